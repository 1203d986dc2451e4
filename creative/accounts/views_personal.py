"""A person's own data: download it, delete the account. For every signed-in account, verified or not."""

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from . import personal_data
from .models import normalize_email
from .permissions import requires

CONFIRMATION_WORD = "SUPPRIMER"


def is_signed_in(user):
    return user.is_authenticated


@require_http_methods(["GET", "POST"])
@requires(is_signed_in)
def my_data(request):
    """GET: what is kept and why; POST: the JSON file of it all."""
    user = request.user
    if request.method == "POST":
        response = JsonResponse(
            personal_data.export_personal_data(user), encoder=DjangoJSONEncoder,
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
        response["Content-Disposition"] = f'attachment; filename="{personal_data.export_filename()}"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/personal_data.html", {"email": user.email})


class DeleteAccountForm(forms.Form):
    signature = forms.ChoiceField(
        label=gettext_lazy("Vos contributions publiées"), widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choisissez comment signer vos contributions publiées.")},
    )
    confirmation = forms.CharField(
        label=gettext_lazy("Pour confirmer, tapez votre adresse électronique ou le mot SUPPRIMER"),
        max_length=254, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": gettext_lazy("Tapez votre adresse électronique ou le mot SUPPRIMER.")},
    )
    password = forms.CharField(
        label=gettext_lazy("Votre mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Tapez votre mot de passe.")},
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.user = request, request.user
        self.fields["signature"].choices = [
            ("name", _("Les garder signées de mon nom affiché, « %(name)s » : la licence demande de citer les "
                       "auteurs.") % {"name": self.user.display_name}),
            ("anonymous", _("Les signer « %(anonymous)s ».") % {"anonymous": personal_data.ANONYMOUS_NAME}),
        ]
        if not self.user.has_usable_password():  # accounts made without one (admin, invitations)
            del self.fields["password"]

    def clean_confirmation(self):
        typed = self.cleaned_data["confirmation"].strip()
        if typed.upper() != CONFIRMATION_WORD and normalize_email(typed) != normalize_email(self.user.email):
            raise forms.ValidationError(
                _("Ce n'est ni votre adresse électronique ni le mot SUPPRIMER : rien n'a été supprimé."))
        return typed

    def clean_password(self):
        password = self.cleaned_data["password"]
        # A stolen session must not become a way to guess the password: allauth's own limit.
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise forms.ValidationError(_("Trop d'essais : attendez une minute avant de réessayer."))
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce mot de passe n'est pas le bon : rien n'a été supprimé."))
        return password

    @property
    def anonymous(self):
        return self.cleaned_data["signature"] == "anonymous"


@require_http_methods(["GET", "POST"])
@requires(is_signed_in)
def delete_account(request):
    user = request.user
    blocker = personal_data.erasure_blocker(user)
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST" and not blocker and form.is_valid():
        try:
            personal_data.erase_account(user, anonymous=form.anonymous)
        except personal_data.ErasureRefused as refused:
            messages.error(request, str(refused))
            return redirect("accounts:delete_account")
        logout(request)
        return redirect("accounts:account_deleted")
    if request.method == "POST" and not blocker:
        messages.error(request, _("Votre compte n'a pas été supprimé : vérifiez le formulaire."))
    context = {
        "form": form,
        "blocker": blocker,
        "drafts": personal_data.drafts_to_delete(user),
        "kept": personal_data.kept_fiches(user),
        "anonymous_name": personal_data.ANONYMOUS_NAME,
    }
    return render(request, "accounts/delete_account.html", context)


@require_safe
def account_deleted(request):
    return render(request, "accounts/account_deleted.html")
