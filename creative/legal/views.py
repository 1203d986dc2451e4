from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import LegalPage


@require_safe
def page(request, slug):
    return render(request, "legal/page.html", {"page": get_object_or_404(LegalPage, slug=slug)})
