from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /carte/points.json"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
