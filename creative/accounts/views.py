import copy

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from creative.antispam.ratelimit import rate_limit

from . import services
from .forms import ProfileForm
from .permissions import can_edit_profile, requires


@requires(can_edit_profile)
@rate_limit("profile")
def profile_edit(request):
    profile = services.profile_of(request.user)
    saved = copy.copy(profile)  # the preview shows what is stored, not a refused submission
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        result = services.save_profile(form, request=request)
        if result.held:
            messages.warning(request, _(
                "Votre profil est enregistré. Votre page publique attend la relecture d'un modérateur ou d'une "
                "modératrice : elle ne sera visible qu'après sa validation. Vous n'avez rien d'autre à faire."))
        else:
            messages.success(request, _("Votre profil est enregistré."))
        return redirect("accounts:profile_edit")
    context = {"form": form, "profile": saved, "status": services.page_status(saved)}
    return render(request, "accounts/profile_edit.html", context)
