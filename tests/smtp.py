"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, for tests."""

import email
import email.policy
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list
    login: str | None
    message: email.message.EmailMessage  # parsed with the modern policy: get_body(), decoded headers

    @property
    def text(self):
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self):
        return self.message.get_body(("html",)).get_content()


@dataclass
class _Handler:
    received: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), login, message))
        return "250 Message accepted for delivery"


def free_port(host="127.0.0.1"):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class SMTPTestServer:
    """``with SMTPTestServer(credentials=("user", "pass")) as smtp: ... smtp.received``

    Listens on 127.0.0.1 on a free port (``smtp.port``), without TLS. With ``credentials``,
    AUTH (PLAIN/LOGIN) is offered on the plain connection and required before MAIL FROM
    (aiosmtpd warns about that: filter "Requiring AUTH while not requiring TLS").
    """

    host = "127.0.0.1"

    def __init__(self, credentials=None):
        self.credentials = credentials
        self.port = free_port(self.host)
        self._handler = _Handler()
        auth = {}
        if credentials:
            auth = {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}
        self._controller = Controller(self._handler, hostname=self.host, port=self.port, **auth)

    @property
    def received(self):
        return self._handler.received

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == tuple(self.credentials)
        # handled=False: the server answers 535 itself on failure (True would leave the client waiting).
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()
