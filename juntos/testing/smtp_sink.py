"""A local SMTP server (aiosmtpd) that records what it receives, for tests and demos.

It listens on 127.0.0.1 (a random port unless told), so mail is sent over a real SMTP session
by Django's SMTP backend, from this process or another one. It can check a login, refuse a
recipient with any reply code (:meth:`SmtpSink.reject_recipient`) and answer the next messages
with an error (:meth:`SmtpSink.fail_next`), to exercise permanent (5xx) and transient (4xx)
failures. ``python -m juntos.testing.smtp_sink --port 2525 --dump-dir var/mail`` runs it alone
and writes each message as an ``.eml`` file for another process to read.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import signal
import sys
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True)
class ReceivedEmail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        """The message parsed with the modern policy (headers decoded, parts walkable)."""
        return email.message_from_bytes(self.data, policy=email.policy.default)


class _EphemeralPortController(Controller):
    """aiosmtpd's controller, able to listen on port 0 (a free port the OS picks).

    The stock controller connects to ``self.port`` to check the server is up, which fails for
    port 0; we read the real port from the listening socket first.
    """

    def _trigger_server(self) -> None:
        if self.port == 0 and isinstance(self.server, asyncio.Server):
            self.port = int(self.server.sockets[0].getsockname()[1])
        super()._trigger_server()  # type: ignore[no-untyped-call] # aiosmtpd leaves it untyped


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        refusal = self.sink._refusal_for(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        failure = self.sink._next_failure()
        if failure is not None:
            return failure
        content = envelope.original_content or b""
        self.sink._record(
            ReceivedEmail(
                mail_from=str(envelope.mail_from or ""),
                rcpt_tos=tuple(envelope.rcpt_tos),
                data=content if isinstance(content, bytes) else content.encode(),
            )
        )
        return "250 Message accepted for delivery"


class SmtpSink:
    """The server and its records. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "",
        password: str = "",
        dump_dir: Path | None = None,
    ) -> None:
        self.host = host
        self.username = username
        self.password = password
        self.dump_dir = dump_dir
        self._lock = threading.Lock()
        self._messages: list[ReceivedEmail] = []
        self._refusals: dict[str, str] = {}
        self._failures: list[str] = []
        kwargs: dict[str, Any] = {}
        if username:
            # Logins over plain text are fine on loopback. Not *requiring* one keeps aiosmtpd
            # from warning about it; a client that offers wrong credentials is still refused.
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        self._controller = _EphemeralPortController(
            _Handler(self),
            hostname=host,
            port=port,
            # A fixed name: the default asks DNS for this machine's name, which can stall.
            server_hostname="smtp-sink.localhost",
            **kwargs,
        )

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def url(self) -> str:
        """An ``EMAIL_URL`` that sends here."""
        credentials = (
            f"{quote(self.username, safe='')}:{quote(self.password, safe='')}@"
            if self.username
            else ""
        )
        return f"smtp://{credentials}{self.host}:{self.port}"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def messages(self) -> list[ReceivedEmail]:
        with self._lock:
            return list(self._messages)

    def reject_recipient(
        self, address: str, code: int = 550, text: str = "5.1.1 Mailbox unavailable"
    ) -> None:
        """Answer ``RCPT TO`` for ``address`` with ``code`` (5xx permanent, 4xx transient)."""
        with self._lock:
            self._refusals[address.lower()] = f"{code} {text}"

    def fail_next(
        self, count: int = 1, *, code: int = 451, text: str = "4.3.0 Try again later"
    ) -> None:
        """Answer the next ``count`` messages' ``DATA`` with ``code``."""
        with self._lock:
            self._failures.extend([f"{code} {text}"] * count)

    def reset(self) -> None:
        with self._lock:
            self._messages.clear()
            self._refusals.clear()
            self._failures.clear()

    # -- used by the handler (in the server's thread) ---------------------------------------

    def _refusal_for(self, address: str) -> str | None:
        with self._lock:
            return self._refusals.get(address.lower())

    def _next_failure(self) -> str | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def _record(self, received: ReceivedEmail) -> None:
        with self._lock:
            self._messages.append(received)
            number = len(self._messages)
        if self.dump_dir is not None:
            self.dump_dir.mkdir(parents=True, exist_ok=True)
            (self.dump_dir / f"{number:06d}.eml").write_bytes(received.data)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.username
            and auth_data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A local SMTP server that records messages.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--dump-dir", type=Path, default=None, help="write each message here")
    args = parser.parse_args(argv)
    sink = SmtpSink(
        host=args.host,
        port=args.port,
        username=args.user,
        password=args.password,
        dump_dir=args.dump_dir,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    with sink:
        print(f"smtp sink listening on {sink.url}", flush=True)
        stopped.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
