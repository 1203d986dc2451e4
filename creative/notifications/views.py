"""Follow buttons, « Mes abonnements », the notifications list and the notification preferences.

- `notifications:follow` / `notifications:unfollow` — POST (CSRF) from `{% follow_button obj %}`;
  visitors go to the login page and come back to the page they were on (`next`, a local path only).
- `notifications:follows` — « Mes abonnements »: what the person follows, an unfollow button each,
  and forms to follow a theme or a territory (which have no button of their own everywhere).
- `notifications:list` — newest first, paginated, unread ones marked; `notifications:open` marks one
  read and goes to its page (a path on this site, never elsewhere); `notifications:read_all`.
- `notifications:preferences` — instant, daily digest (default), weekly digest or never by mail.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creative.accounts.permissions import can_contribute, requires

from . import services
from .forms import FollowTerritoryForm, FollowThemeForm, PreferencesForm
from .models import Follow, Notification

PAGE_SIZE = 30
Target = Follow.Target


def _signed_in(view):
    """Visitors are sent to the login page (and back here afterwards)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _next(request, default):
    """The page to go back to: the posted `next` when it is a path on this site, else `default`."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    return wanted if services.is_local_path(wanted) else default


def _target_page(kind, pk):
    target = services.followable(kind, pk)
    if target is None:
        return reverse("notifications:follows")
    return services.url_of(kind, target) or reverse("notifications:follows")


# Follow / unfollow ----------------------------------------------------------------------------------------

@require_POST
def follow(request, kind, pk):
    if kind not in Target.values:
        raise Http404
    back = _next(request, None) or _target_page(kind, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    return _follow(request, kind, pk, back)


@requires(can_contribute)
def _follow(request, kind, pk, back):
    try:
        item, created = services.follow(request.user, kind, pk)
    except services.FollowRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    name = services.name_of(kind, item.target_object)
    if created:
        messages.success(request, _("Vous suivez désormais « %(name)s ». Vous serez prévenu·e de ses nouveautés.")
                         % {"name": name})
    else:
        messages.info(request, _("Vous suiviez déjà « %(name)s ».") % {"name": name})
    return redirect(back)


@require_POST
def unfollow(request, kind, pk):
    if kind not in Target.values:
        raise Http404
    back = _next(request, None) or _target_page(kind, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if services.unfollow(request.user, kind, pk):
        messages.success(request, _("Vous ne suivez plus cette page."))
    else:
        messages.info(request, _("Vous ne suiviez pas cette page."))
    return redirect(back)


# Mes abonnements ------------------------------------------------------------------------------------------

@requires(can_contribute)
@require_http_methods(["GET", "POST"])
def follows(request):
    theme_form, territory_form = FollowThemeForm(prefix="theme"), FollowTerritoryForm(prefix="territory")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "theme":
            theme_form = FollowThemeForm(request.POST, prefix="theme")
            if theme_form.is_valid():
                return _follow_from_page(request, Target.THEME, theme_form.cleaned_data["theme"])
        elif action == "territory":
            territory_form = FollowTerritoryForm(request.POST, prefix="territory")
            if territory_form.is_valid():
                return _follow_from_page(request, Target.TERRITORY, territory_form.resolved)
        else:
            messages.error(request, _("Cette action n'existe pas : choisissez un thème ou un territoire."))
        status = 400
    context = {
        "groups": services.follows_of(request.user),
        "theme_form": theme_form,
        "territory_form": territory_form,
        "frequency": services.frequency_of(request.user),
    }
    return render(request, "notifications/follows.html", context, status=status)


def _follow_from_page(request, kind, target):
    try:
        item, created = services.follow(request.user, kind, target.pk)
    except services.FollowRefused as refused:
        messages.error(request, str(refused))
    else:
        name = services.name_of(kind, item.target_object)
        if created:
            messages.success(request, _("Vous suivez désormais « %(name)s ».") % {"name": name})
        else:
            messages.info(request, _("Vous suiviez déjà « %(name)s ».") % {"name": name})
    return redirect("notifications:follows")


# Notifications ----------------------------------------------------------------------------------------------

@_signed_in
@require_GET
def notification_list(request):
    queryset = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread": services.unread_count(request.user),
        "frequency_label": dict(services.NotificationSettings.Frequency.choices)[services.frequency_of(request.user)],
    }
    return render(request, "notifications/list.html", context)


@_signed_in
@require_GET
def open_notification(request, pk):
    """Mark one of the person's notifications read and go to its page (only a path on this site)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(notification)
    if services.is_local_path(notification.url):
        return redirect(notification.url)
    return redirect("notifications:list")


@_signed_in
@require_POST
def read_all(request):
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect("notifications:list")


@_signed_in
@require_http_methods(["GET", "POST"])
def preferences(request):
    instance = services.NotificationSettings(user=request.user, frequency=services.frequency_of(request.user))
    form = PreferencesForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            services.set_frequency(request.user, form.cleaned_data["frequency"])
            messages.success(request, _("Vos préférences de notification sont enregistrées."))
            return redirect("notifications:preferences")
        return render(request, "notifications/preferences.html", {"form": form}, status=400)
    return render(request, "notifications/preferences.html", {"form": form})
