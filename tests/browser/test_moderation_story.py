"""The moderator's story in a real browser: held spam, a first comment approved, a comment hidden by reports and
restored, the spammer blocked, and all of it in the audit log.

With pre-moderation on, a new account posts the 2013 spam paragraph and a legitimate comment on a
published fiche through the comment form: both wait for a moderator (the spam for its score, the
other because it is the account's first), and another visitor sees neither. The moderator
approves the legitimate one from the queue. Three visitors (three browsers, told apart as the
site tells visitors apart) report another comment, which disappears; the moderator restores it,
blocks the spammer and finds every step in the journal. The fiche, the accounts and the comment
that gets reported are set up through the ORM; the posting, reporting, queue, decisions and log
go through the browser. axe-core checks the report, queue, item and blocked-accounts pages.
"""

import re

import pytest
from playwright.sync_api import expect

from creative.accounts import permissions
from creative.accounts.models import User
from creative.accounts.roles import Role
from creative.comments.models import Comment
from creative.innovations.models import Authorship
from creative.moderation.models import ModerationItem, Standing, Visibility
from tests.browser_env import assert_accessible
from tests.factories import InnovationFactory, UserFactory

PASSWORD = "un mot de passe solide 2026"
MODERATOR_EMAIL = "moderation@example.org"
NEWCOMER_EMAIL = "nouveau@example.org"
FICHE_TITLE = "Repair café de Recouvrance"
# The last paragraph of the 2013 "Brest Creative" page (/work/shared/seed/brest-creative-2013.txt):
# an advertisement that landed in the middle of the text.
SPAM = (
    "Coffre-fort et armoire forte le prix des coffres-forts a chuté, un coffre-fort ignifuge n'est plus un luxe, "
    "surtout en prenant en compte le risque de cambriolage. Une armoire forte classe C est obligatoire pour la "
    "sauvegarde des armes un Coffre-fort agréé est toujours une solution de sécurité intéressante à long terme."
)
LEGITIMATE = "Bravo pour ce repair café ! Nous lançons le même à Lambézellec : peut-on venir voir un samedi ?"
REPORTED = "Encore une initiative de bobos qui ne sert à rien, vous feriez mieux de vous taire."





def log_in(page, email):
    page.goto("/comptes/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".account-name")).to_be_visible()


def comments_of(page):
    return page.locator("#commentaires")


@pytest.fixture
def story(settings, territories, taxonomy):
    # Playwright fills a form faster than any person: the traps' time check would refuse it.
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""
    settings.MODERATION_PREMODERATE_NEW = True
    settings.MODERATION_AUTO_HIDE_REPORTS = 3
    fiche_author = UserFactory(profile__display_name="Maëlle Autrice")
    fiche = InnovationFactory(title=FICHE_TITLE, communes=["Brest"])
    Authorship.objects.create(innovation=fiche, user=fiche_author, is_creator=True)
    moderator = UserFactory(email=MODERATOR_EMAIL, roles=[Role.MODERATOR], password=PASSWORD,
                            profile__display_name="Nolwenn Modératrice")
    newcomer = UserFactory(email=NEWCOMER_EMAIL, password=PASSWORD, profile__display_name="Vendeur de Coffres")
    regular = UserFactory(profile__display_name="Gwen Habituée")
    Standing.objects.create(user=regular)
    reported = Comment.objects.create(content_object=fiche, author=regular, body=REPORTED)
    return {"fiche": fiche, "moderator": moderator, "newcomer": newcomer, "reported": reported}


def test_the_moderators_story(page, new_context, offline, story):
    fiche, newcomer, reported = story["fiche"], story["newcomer"], story["reported"]
    fiche_url = fiche.get_absolute_url()

    # 1. A new account posts the spam paragraph and a legitimate comment: both wait for a moderator.
    log_in(page, NEWCOMER_EMAIL)
    for text in (SPAM, LEGITIMATE):
        page.goto(fiche_url)
        form = page.locator("form#commenter")
        form.locator("textarea").fill(text)
        form.get_by_role("button", name="Publier le commentaire").click()
        expect(page.get_by_role("status").first).to_contain_text("visible après relecture")
    spam = Comment.objects.get(body=SPAM)
    legitimate = Comment.objects.get(body=LEGITIMATE)
    assert (spam.visibility, legitimate.visibility) == (Visibility.HELD, Visibility.HELD)
    assert ModerationItem.objects.for_object(spam).get().cause == ModerationItem.Cause.SPAM
    assert ModerationItem.objects.for_object(legitimate).get().cause == ModerationItem.Cause.PREMODERATION

    visitor = offline(new_context(user_agent="Visiteur A")).new_page()
    visitor.goto(fiche_url)
    expect(comments_of(visitor)).to_contain_text(REPORTED)
    expect(comments_of(visitor)).not_to_contain_text("Coffre-fort")
    expect(comments_of(visitor)).not_to_contain_text(LEGITIMATE)

    # 2. The moderator finds both in the queue and approves the legitimate comment.
    moderation = offline(new_context()).new_page()
    moderation.set_default_timeout(10_000)
    log_in(moderation, MODERATOR_EMAIL)
    moderation.get_by_role("link", name="Modération", exact=True).click()
    expect(moderation.get_by_role("heading", level=1)).to_have_text("File de modération")
    queue = moderation.locator(".moderation-list")
    expect(queue).to_contain_text("Score de spam : 12,25")
    expect(queue).to_contain_text("Vocabulaire publicitaire")
    expect(queue).to_contain_text("Bravo pour ce repair café")
    assert_accessible(moderation, "moderation queue")
    moderation.get_by_role("link", name=re.compile("Pré-modération")).click()
    expect(queue.locator(".moderation-row")).to_have_count(1)
    queue.get_by_role("link", name=re.compile("Commentaire — premier message")).click()
    expect(moderation.get_by_role("heading", level=1)).to_have_text("Commentaire à modérer")
    expect(moderation.locator(".moderation-text")).to_contain_text(LEGITIMATE)
    assert_accessible(moderation, "moderation item (held comment)")
    moderation.locator("#decision-publier").get_by_label("Note de modération").fill("Premier message, sincère.")
    moderation.locator("#decision-publier").get_by_role("button", name="Publier").click()
    expect(moderation).to_have_url(re.compile(r"/moderation/$"))
    expect(moderation.get_by_role("status")).to_contain_text("Le contenu est publié")
    legitimate.refresh_from_db()
    assert legitimate.visibility == Visibility.VISIBLE
    assert Standing.objects.filter(user=newcomer).exists()
    visitor.reload()
    expect(comments_of(visitor)).to_contain_text(LEGITIMATE)
    expect(comments_of(visitor)).not_to_contain_text("Coffre-fort")

    # 3. Three visitors report Gwen's comment: it disappears from the fiche.
    for n, agent in enumerate(("Visiteur A", "Visiteur B", "Visiteur C")):
        reporter = visitor if n == 0 else offline(new_context(user_agent=agent)).new_page()
        reporter.goto(fiche_url)
        comment = reporter.locator(f"#commentaire-{reported.pk}")
        comment.get_by_role("link", name="Signaler").click()
        expect(reporter.get_by_role("heading", level=1)).to_have_text("Signaler un commentaire")
        expect(reporter.locator(".reported-text")).to_contain_text("Encore une initiative de bobos")
        if n == 0:
            assert_accessible(reporter, "report form")
        reporter.get_by_label("Propos injurieux, haineux ou harcèlement").check()
        reporter.get_by_label("Précisions").fill(f"Méprisant envers les bénévoles ({agent}).")
        reporter.get_by_role("button", name="Envoyer le signalement").click()
        expect(reporter.get_by_role("heading", level=1)).to_have_text("Merci, l'équipe de modération va regarder")
    reported.refresh_from_db()
    assert reported.visibility == Visibility.HIDDEN
    visitor.goto(fiche_url)
    expect(comments_of(visitor)).not_to_contain_text("Encore une initiative de bobos")
    expect(comments_of(visitor)).to_contain_text(LEGITIMATE)

    # 4. The moderator sees three reports and an automatic hiding, and restores the comment.
    moderation.goto("/moderation/")
    moderation.get_by_role("link", name="Les plus signalés").click()
    first = moderation.locator(".moderation-row").first
    expect(first).to_contain_text("masqué automatiquement")
    expect(first).to_contain_text("3 signalements : propos injurieux, haineux ou harcèlement (3)")
    first.get_by_role("link", name=re.compile("Commentaire — signalements")).click()
    expect(moderation.locator(".moderation-reports tbody tr")).to_have_count(3)
    expect(moderation.locator(".moderation-reports")).to_contain_text("Méprisant envers les bénévoles (Visiteur B).")
    expect(moderation.locator(".moderation-reports")).to_contain_text("visiteur")
    assert_accessible(moderation, "moderation item (reported comment)")
    moderation.locator("#decision-retablir").get_by_role("button", name="Rétablir").click()
    expect(moderation.get_by_role("status")).to_contain_text("Le contenu est rétabli")
    visitor.reload()
    expect(comments_of(visitor)).to_contain_text("Encore une initiative de bobos")

    # 5. The moderator blocks the spammer: the spam is removed, the account can no longer post.
    moderation.goto("/moderation/?motif=spam")
    moderation.locator(".moderation-row").first.get_by_role("link", name=re.compile("Commentaire")).click()
    block_form = moderation.locator("#decision-bloquer")
    block_form.get_by_label("Motif du blocage").fill("   ")  # the browser requires a value; the server, words
    block_form.get_by_role("button", name="Bloquer le compte").click()
    expect(moderation.get_by_role("alert")).to_contain_text("Indiquez le motif du blocage")
    moderation.locator("#decision-bloquer").get_by_label("Motif du blocage").fill("Publicité pour des coffres-forts.")
    moderation.locator("#decision-bloquer").get_by_role("button", name="Bloquer le compte").click()
    expect(moderation.get_by_role("status")).to_contain_text("Le compte de Vendeur de Coffres est bloqué")
    spam.refresh_from_db()
    assert spam.visibility == Visibility.REMOVED
    assert not permissions.can_contribute(User.objects.get(pk=newcomer.pk))
    page.goto(fiche_url)
    expect(comments_of(page)).to_contain_text("Votre compte a été bloqué")
    expect(page.locator("form#commenter")).to_have_count(0)

    moderation.get_by_role("link", name="Comptes bloqués").click()
    expect(moderation.locator(".moderation-blocked")).to_contain_text("Vendeur de Coffres")
    expect(moderation.locator(".moderation-blocked")).to_contain_text("Publicité pour des coffres-forts.")
    assert_accessible(moderation, "blocked accounts")

    # 6. The journal tells the whole story.
    moderation.goto("/journal/")
    journal = moderation.locator(".audit-table")
    for label in ("contenu approuvé", "contenu masqué après signalements", "contenu rétabli", "compte bloqué",
                  "contenu supprimé comme indésirable", "contenu retenu pour modération"):
        expect(journal).to_contain_text(re.compile(re.escape(label), re.IGNORECASE))
    expect(journal).to_contain_text("Nolwenn Modératrice")
    expect(journal).to_contain_text("La plateforme (automatique)")
