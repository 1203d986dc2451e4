"""Property-based run of schemathesis against the API's own OpenAPI document (bounded: CI-friendly).

Every operation gets a bounded number of generated requests (valid and invalid), sent through
Django's WSGI application: no answer may be a server error, and every answer must match the
schema the document declares for its status code.
"""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25


@pytest.fixture
def wsgi_app(settings):
    """Django's WSGI application, on the test's database transaction (no connection closing per request)."""
    from config.wsgi import application

    settings.API_RATE_LIMIT = 1_000_000
    settings.ANTISPAM_RATE_LIMITS = False
    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def content(territories):
    from creative.innovations.models import Answer, Section
    from tests.factories import InnovationFactory

    fiche = InnovationFactory(title="Repair café", communes=["Brest"], themes=["numerique"])
    Answer.objects.create(innovation=fiche, section=Section.objects.first(), body="Une réponse.")
    return fiche


def check_operation(operation, headers):
    """Run the bounded generated requests of one operation; raise on the first failing check."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    @hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

    run()


def test_no_server_error_and_responses_match_the_schema(wsgi_app, content):
    import schemathesis

    from creative.opendata import tokens
    from tests.factories import UserFactory

    _token, raw = tokens.issue(UserFactory(), "schemathesis")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    failures = []
    for operation in operations:
        # Writes run signed in with a token, so that their validation is exercised, not only the 401.
        headers = {"Authorization": f"Bearer {raw}"} if operation.method.upper() != "GET" else None
        try:
            check_operation(operation, headers)
        except Exception as exc:  # collect every operation's failure, not only the first
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
