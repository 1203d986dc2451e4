"""Post an admin change form the way a browser would: what the page shows, with some changes."""

from django import forms
from django.db.models.fields.files import FieldFile


def _encoded(value):
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return "" if value is None else str(value)


def _fields(form, data):
    for name, field in form.fields.items():
        if field.disabled:
            continue
        bound = form[name]
        value = bound.value()
        if isinstance(value, FieldFile):  # a stored file is kept when the input is left empty
            continue
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) and not value:
            continue  # nothing selected: the browser sends no value at all
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        data[bound.html_name] = _encoded(value)


def change_form_data(response, **changes):
    """The POST data of the admin change (or add) page in `response`, with `changes` applied.

    Inline rows are named by their prefix, as in the page: `editor_scopes-0-territory`.
    A value of None removes the key (an unticked checkbox).
    """
    data = {}
    _fields(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[formset.management_form.add_prefix(name)] = _encoded(value)
        for form in formset.forms:
            _fields(form, data)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
