from django.core.management.base import BaseCommand

from creative.events.demo import remove_events_demo
from creative.innovations.demo import remove_demo
from creative.letters.demo import remove_letters_demo
from creative.magazine.demo import remove_magazine_demo
from creative.network.demo import remove_network_demo
from creative.stats.demo import remove_demo_views


class Command(BaseCommand):
    help = (
        "Delete every demo fiche (is_demo=True) and the demo network (demo people, organisations, teams, "
        "ambassadors, calls for help, reproductions), the demo events (with their registrations and series) and the "
        "demo letters and subscribers. "
        "Real contributions and the demo accounts are untouched."
    )

    def handle(self, **options):
        self.stdout.write(self.style.SUCCESS(f"{remove_demo_views()} demo view count(s) removed."))
        letters = remove_letters_demo()
        # The demo articles before the demo people who sign them and the demo fiches they cite.
        magazine = remove_magazine_demo()
        # The demo events first: they hang on the demo people, organisations and fiches.
        events = remove_events_demo()
        network = remove_network_demo()
        count = remove_demo()
        self.stdout.write(self.style.SUCCESS(f"{count} demo fiche(s) removed."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network removed: {network['people']} people, {network['organisations']} organisations, "
                f"{network['reproductions']} reproductions, {network['calls']} calls for help "
                "(teams and ambassadors went with them and the demo fiches)."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo events removed: {events['events']} events, {events['series']} series, "
                f"{events['registrations']} registrations."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo letters removed: {letters['letters']} letters, {letters['subscribers']} subscribers."
            )
        )
        self.stdout.write(self.style.SUCCESS(f"Demo articles removed: {magazine['articles']}."))
