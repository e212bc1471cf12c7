"""Outgoing mail behind one small interface: the console in development, SMTP when configured.

`SMTP_URL=smtp://user:password@host:587` (STARTTLS) or `smtps://...:465` (TLS from the start).
The console backend prints whole messages only in development: in production it would put
sign-in links into the logs, so there it logs that mail is not configured instead.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

from . import APP_NAME
from .config import Settings

log = logging.getLogger(__name__)
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    def send(self, mail: Mail) -> None:
        """Deliver `mail` or raise `MailError`."""
        ...


class MailError(Exception):
    """The mail could not be handed to the server (the sentence says why)."""


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    name, address = parseaddr(sender)
    message["From"] = formataddr((name or APP_NAME, address))
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message


class ConsoleMailer:
    def __init__(self, sender: str, show_body: bool) -> None:
        self.sender = sender
        self.show_body = show_body

    def send(self, mail: Mail) -> None:
        if not self.show_body:
            log.warning("mail not sent: SMTP_URL is not set", extra={"subject": mail.subject})
            return
        print(
            f"--- mail (console backend; set SMTP_URL to send it) ---\n"
            f"From: {self.sender}\nTo: {mail.to}\nSubject: {mail.subject}\n\n{mail.body}\n",
            file=sys.stdout,
            flush=True,
        )


class SmtpMailer:
    def __init__(self, url: str, sender: str, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.tls else 587)
        self.username = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.sender = sender
        self.timeout = timeout

    def send(self, mail: Mail) -> None:
        try:
            smtp, encrypted = self._connect()
            with smtp:
                if self.username and not (encrypted or self.host in LOOPBACK):
                    raise MailError(
                        "SMTP_URL has a password but the server offers no "
                        "encryption: use smtps:// or a server with STARTTLS."
                    )
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(_message(mail, self.sender))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail failed", extra={"host": self.host, "error": str(exc)})
            raise MailError("The e-mail could not be sent. Please try again later.") from exc

    def _connect(self) -> tuple[smtplib.SMTP, bool]:
        """An open connection, and whether it is encrypted."""
        if self.tls:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            ), True
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        smtp.ehlo()
        if not smtp.has_extn("starttls"):  # a local relay or test server may not offer it
            return smtp, False
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
        return smtp, True


def make_mailer(settings: Settings) -> Mailer:
    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url, settings.mail_from)
    return ConsoleMailer(settings.mail_from, show_body=not settings.is_production)
