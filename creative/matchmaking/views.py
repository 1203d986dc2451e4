"""The "J'ai un projet" page: describe an idea, get fiches, people and calls for help nearby."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import services
from .forms import ProjectForm


@require_GET
def project(request):
    """A GET form (its address can be shared) and, once filled in, the suggestions with their reasons.

    Reads only. Bad input (too short an idea, an unknown or ambiguous commune) is answered with the
    form and a message; ambiguous communes are offered as links to pick from.
    """
    submitted = "idee" in request.GET or "commune" in request.GET
    form = ProjectForm(request.GET if submitted else None)
    results = None
    if submitted and form.is_valid():
        results = services.match_project(form.cleaned_data["idee"], form.cleaned_data["commune_obj"])
    candidates = [
        {"label": label, "url": "?" + urlencode({"idee": request.GET.get("idee", ""), "commune": label})}
        for label in form.candidates
    ] if submitted else []
    context = {"form": form, "results": results, "submitted": submitted, "candidates": candidates}
    return render(request, "matchmaking/project.html", context)
