import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from creative.innovations.demo import DemoDataError, load_demo

DEMO_ADMIN = ("admin", "admin@example.org", "brest-creative-demo")


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
            username, email, password = DEMO_ADMIN
            User = get_user_model()
            user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            self.stdout.write(
                self.style.WARNING(
                    f"Demo administrator: http://127.0.0.1:{os.environ.get('PORT', '8000')}/admin/ "
                    f"— login '{username}', password '{password}' (development only)."
                )
            )
