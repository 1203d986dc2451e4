import os

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from creative.accounts.models import EditorScope, Profile
from creative.accounts.roles import Role, grant
from creative.events.demo import load_events_demo
from creative.innovations.demo import DemoDataError, load_demo
from creative.letters.demo import load_letters_demo
from creative.magazine.demo import load_magazine_demo
from creative.network.demo import load_network_demo
from creative.stats.demo import load_demo_views
from creative.territories.models import Territory

DEMO_PASSWORD = "brest-creative-demo"  # noqa: S105 (public, in the README; demo accounts need DEBUG or --force)
# (email, display name, roles); the editor looks after the home territory.
DEMO_ACCOUNTS = [
    ("admin@example.org", "Administration (démo)", [Role.ADMINISTRATOR]),
    ("accompagnement@example.org", "Accompagnatrice (démo)", [Role.EDITOR]),
    ("contribution@example.org", "Porteur de projet (démo)", []),
]


class Command(BaseCommand):
    help = (
        "Load (or refresh) the demo fiches, demo accounts (administrator, editor, contributor) and the demo "
        "network (people, organisations, teams, ambassadors, calls for help, reproductions) and the demo agenda "
        "(events, a series, registrations with a waiting list) and the demo letters (past letters, a draft, "
        "subscribers). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-images", action="store_true", help="Do not generate cover images.")
        parser.add_argument("--no-admin", action="store_true", help="Do not create the demo accounts.")
        parser.add_argument(
            "--force", action="store_true", help="Load even when DEBUG is off (never on a public site)."
        )

    def handle(self, no_images, no_admin, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo content is for development (DEBUG=1). Use --force to load it anyway.")
        try:
            created, updated = load_demo(with_images=not no_images)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Demo fiches: {created} created, {updated} updated."))
        if not no_admin:
            self.create_demo_accounts()
        try:
            counts = load_network_demo(with_accounts=not no_admin)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network: {counts['people']} people, {counts['organisations']} organisations, "
                f"{counts['team members']} team members, {counts['ambassadors']} ambassadors, "
                f"{counts['calls']} calls for help, {counts['reproductions']} reproductions "
                f"({counts['created']} created, {counts['updated']} updated)."
            )
        )
        try:
            events = load_events_demo(with_accounts=not no_admin)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo events: {events['events']} events ({events['upcoming']} upcoming, {events['past']} past), "
                f"{events['series']} series, {events['registrations']} registrations "
                f"({events['created']} created, {events['updated']} updated)."
            )
        )
        try:
            magazine = load_magazine_demo()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo magazine: {magazine['articles']} articles, a dossier of {magazine['dossier_fiches']} fiches "
                f"({magazine['created']} created, {magazine['updated']} updated)."
            )
        )
        try:
            letters = load_letters_demo()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo letters: {letters['letters']} letters ({letters['sent']} sent, {letters['drafts']} draft), "
                f"{letters['subscribers']} subscribers ({letters['created']} created, {letters['updated']} updated)."
            )
        )
        # Last: synthetic view counts of every demo object loaded above (creative/stats/demo.py).
        views = load_demo_views()
        self.stdout.write(self.style.SUCCESS(
            f"Demo view counts: {views['views']} views of {views['objects']} pages ({views['rows']} day counts)."
        ))
        if not no_admin:
            self.print_demo_accounts()

    def create_demo_accounts(self):
        User = get_user_model()
        home = Territory.objects.home()
        for email, display_name, roles in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(email=email)
            user.set_password(DEMO_PASSWORD)
            user.save()
            # Verified, so the site's own login page accepts them and they may contribute.
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            Profile.objects.update_or_create(user=user, defaults={"display_name": display_name})
            for role in roles:
                grant(user, role)
            if Role.EDITOR in roles and home is not None:
                EditorScope.objects.get_or_create(user=user, territory=home)

    def print_demo_accounts(self):
        port = os.environ.get("PORT", "8000")
        self.stdout.write(
            self.style.WARNING(
                f"Demo accounts on http://127.0.0.1:{port}/ (password '{DEMO_PASSWORD}', development only): "
                + ", ".join(f"{email} ({name})" for email, name, _roles in DEMO_ACCOUNTS)
            )
        )
