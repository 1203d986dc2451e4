import os

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from creative.accounts.models import Profile
from creative.innovations.demo import DemoDataError, load_demo

DEMO_ADMIN = ("admin@example.org", "Administration (démo)", "brest-creative-demo")


class Command(BaseCommand):
    help = "Load (or refresh) the demo fiches and a demo administrator. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--no-images", action="store_true", help="Do not generate cover images.")
        parser.add_argument("--no-admin", action="store_true", help="Do not create the demo administrator.")
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
            email, display_name, password = DEMO_ADMIN
            User = get_user_model()
            user, _ = User.objects.get_or_create(email=email)
            user.is_superuser = True
            user.set_password(password)
            user.save()
            # Verified, so the site's own login page accepts it too.
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            Profile.objects.update_or_create(user=user, defaults={"display_name": display_name})
            self.stdout.write(
                self.style.WARNING(
                    f"Demo administrator: http://127.0.0.1:{os.environ.get('PORT', '8000')}/admin/ "
                    f"— login '{email}', password '{password}' (development only)."
                )
            )
