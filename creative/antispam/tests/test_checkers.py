"""The external checker: Akismet's comment-check against a local stub server; the start-up checks."""

import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import RequestFactory

from creative.antispam.checkers import AkismetChecker
from creative.antispam.checks import antispam_settings
from creative.antispam.scoring import assess
from tests.factories import UserFactory

from . import corpus

AKISMET = "creative.antispam.checkers.AkismetChecker"


class StubAkismet(BaseHTTPRequestHandler):
    """Answers comment-check with `server.answer` after `server.delay` seconds; keeps what was posted."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.server.requests.append((self.path, urllib.parse.parse_qs(self.rfile.read(length).decode())))
        time.sleep(self.server.delay)
        body = self.server.answer.encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            if self.server.answer not in ("true", "false"):
                self.send_header("X-akismet-debug-help", "We were unable to parse your blog URI")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture
def akismet(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubAkismet)
    server.answer, server.delay, server.requests = "false", 0, []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.ANTISPAM_CHECKER = AKISMET
    settings.ANTISPAM_AKISMET_KEY = "cle-de-test"
    settings.ANTISPAM_AKISMET_URL = f"http://127.0.0.1:{server.server_port}/{{key}}/1.1/comment-check"
    settings.ANTISPAM_CHECKER_TIMEOUT = 1
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_akismet_true_adds_the_hold_score(akismet):
    akismet.answer = "true"
    author = UserFactory(profile__display_name="Soazig")
    request = RequestFactory().post("/relecture/1/message/", REMOTE_ADDR="203.0.113.7",
                                    HTTP_USER_AGENT="Mozilla/5.0 (X11)")
    verdict = assess(corpus.ORDINARY_TEXTS[0], author=author, kind="comment", request=request)
    assert verdict.held and verdict.codes == ["external"]
    assert verdict.reasons[0][1] == "Le service Akismet considère ce texte comme indésirable."
    path, sent = akismet.requests[0]
    assert path == "/cle-de-test/1.1/comment-check"
    assert sent["comment_content"] == [corpus.ORDINARY_TEXTS[0]] and sent["comment_type"] == ["comment"]
    assert sent["api_key"] == ["cle-de-test"] and sent["blog"] == ["http://127.0.0.1:8000"]
    assert sent["user_ip"] == ["203.0.113.7"] and sent["user_agent"] == ["Mozilla/5.0 (X11)"]
    assert sent["comment_author"] == ["Soazig"]
    assert not any("@" in value for values in sent.values() for value in values)  # never an email address


def test_akismet_false_adds_nothing(akismet):
    verdict = assess(corpus.ORDINARY_TEXTS[1], kind="fiche")
    assert "external" not in verdict.codes and not verdict.held
    assert akismet.requests[0][1]["comment_type"] == ["blog-post"]


def test_an_akismet_error_answer_adds_nothing(akismet, caplog):
    akismet.answer = "invalid"
    assert "external" not in assess(corpus.ORDINARY_TEXTS[1]).codes
    assert "unable to parse your blog URI" in caplog.text


def test_a_slow_akismet_adds_nothing(akismet):
    akismet.delay = 1.5  # beyond ANTISPAM_CHECKER_TIMEOUT
    akismet.answer = "true"
    started = time.monotonic()
    assert "external" not in assess(corpus.ORDINARY_TEXTS[1]).codes
    assert time.monotonic() - started < 1.5


def test_akismet_down_adds_nothing_and_raises_nothing(settings, caplog):
    with socket.socket() as probe:  # a port where nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.ANTISPAM_CHECKER = AKISMET
    settings.ANTISPAM_AKISMET_KEY = "cle-de-test"
    settings.ANTISPAM_AKISMET_URL = f"http://127.0.0.1:{port}/1.1/comment-check"
    assert AkismetChecker().check("Bonjour") is None
    verdict = assess(corpus.SEED_SPAM)
    assert "external" not in verdict.codes and verdict.held  # the other layers still work
    assert "Akismet is unreachable" in caplog.text


def test_a_broken_checker_is_logged_and_skipped(settings, caplog):
    settings.ANTISPAM_CHECKER = "creative.antispam.tests.test_checkers.BrokenChecker"
    assert assess(corpus.ORDINARY_TEXTS[0]).codes == []
    assert "BrokenChecker failed" in caplog.text


class BrokenChecker:
    def check(self, text, **kwargs):
        raise RuntimeError("boom")


def test_no_checker_by_default(settings):
    assert settings.ANTISPAM_CHECKER == ""


# Start-up checks ---------------------------------------------------------------------------------------

def test_start_up_checks_pass_with_the_defaults():
    assert antispam_settings(None) == []


def test_start_up_checks_name_the_bad_settings(settings, tmp_path):
    settings.ANTISPAM_WORDS_FILE = tmp_path / "absent.txt"
    settings.ANTISPAM_CHECKER = AKISMET
    settings.ANTISPAM_AKISMET_KEY = ""
    assert [error.id for error in antispam_settings(None)] == ["antispam.E001", "antispam.E004"]
    (tmp_path / "bad.txt").write_text("beaucoup casino\n", encoding="utf-8")
    settings.ANTISPAM_WORDS_FILE = tmp_path / "bad.txt"
    settings.ANTISPAM_CHECKER = "creative.antispam.nothing.Here"
    assert [error.id for error in antispam_settings(None)] == ["antispam.E002", "antispam.E003"]
