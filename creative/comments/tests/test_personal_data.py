"""Comments and reports in a person's data download and erasure."""

import pytest

from creative.accounts.personal_data import erase_account, export_personal_data
from creative.comments.models import Comment
from creative.moderation import services
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_with_comment_and_report(territories):
    fiche = InnovationFactory(title="Repair café", communes=["Brest"])
    person = UserFactory(profile__display_name="Gwen")
    comment = Comment.objects.create(content_object=fiche, author=person, body="Bravo pour le repair café !")
    other = Comment.objects.create(content_object=fiche, author=UserFactory(), body="Un autre avis.")
    services.report(other, reason="wrong", text="Je connais cette personne, c'est faux.", reporter=person,
                    fingerprint=f"user:{person.pk}")
    return person, comment


def test_the_download_holds_the_comments_and_reports(person_with_comment_and_report):
    person, comment = person_with_comment_and_report
    data = export_personal_data(person)
    assert [c["text"] for c in data["comments"]] == ["Bravo pour le repair café !"]
    assert data["comments"][0]["url"].endswith(f"#commentaire-{comment.pk}")
    assert [r["text"] for r in data["reports"]] == ["Je connais cette personne, c'est faux."]


def test_erasure_keeps_the_signed_comment_and_erases_the_report(person_with_comment_and_report):
    person, comment = person_with_comment_and_report
    erase_account(person, anonymous=True)
    comment.refresh_from_db()
    assert comment.body == "Bravo pour le repair café !" and comment.author_id == person.pk
    from creative.moderation.models import Report

    report = Report.objects.get()
    assert report.text == "" and report.reporter is None
