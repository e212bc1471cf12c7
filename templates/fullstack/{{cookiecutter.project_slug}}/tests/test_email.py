"""Mail through a real SMTP server on 127.0.0.1: confirming the address, resetting a forgotten
password and signing in by link, each link single-use and expiring. Addresses are validated."""

from __future__ import annotations

import email
import re
import time
from collections.abc import Iterator
from email.message import Message as MailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from {{ cookiecutter.package_name }}.models import EmailToken, User

from .support import PASSWORD, MakeApp, Visitor, free_port, make_settings

NEW_PASSWORD = "a brand new passphrase"


class Inbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[MailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"

    def wait_for(self, count: int) -> MailMessage:
        deadline = time.monotonic() + 10
        while len(self.messages) < count:
            assert time.monotonic() < deadline, "no mail arrived"
            time.sleep(0.02)
        return self.messages[count - 1]

    def link(self, count: int) -> str:
        body = self.wait_for(count).get_payload(decode=True).decode()
        found = re.search(r"http://testserver(/\S+)", body)
        assert found, body
        return found.group(1)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def mail_app(tmp_path: Path, make_app: MakeApp, inbox: tuple[Inbox, int]) -> FastAPI:
    return make_app(
        make_settings(
            tmp_path,
            smtp_url=f"smtp://127.0.0.1:{inbox[1]}",
            mail_from="Writing Desk <desk@example.com>",
        )
    )


def test_sign_up_mails_a_link_that_confirms_the_address(
    mail_app: FastAPI, inbox: tuple[Inbox, int]
) -> None:
    mails, _ = inbox
    with TestClient(mail_app) as client:
        Visitor(client).sign_up("ada@example.com")
        message = mails.wait_for(1)
        assert message["To"] == "ada@example.com"
        assert message["From"] == "Writing Desk <desk@example.com>"
        assert "Confirm your e-mail address" in message["Subject"]
        assert "not confirmed" in client.get("/account").text
        confirmed = client.get(mails.link(1), follow_redirects=True)
        assert "your e-mail address is confirmed" in confirmed.text
        assert "not confirmed" not in confirmed.text
        again = client.get(mails.link(1))  # single use
        assert again.status_code == 410
        assert "This link has expired" in again.text


def test_a_forgotten_password_is_reset_through_a_mailed_link(
    mail_app: FastAPI, inbox: tuple[Inbox, int]
) -> None:
    mails, _ = inbox
    with TestClient(mail_app) as client, TestClient(mail_app) as other_device:
        Visitor(client).sign_up("ada@example.com")
        Visitor(other_device).log_in("ada@example.com")
        client.cookies.delete("session")
        asked = Visitor(client).post("/forgot-password", {"email": "Ada@Example.com"})
        assert "If an account exists for that address" in asked.text
        reset_link = mails.link(2)
        assert reset_link.startswith("/reset-password?token=")
        form = client.get(reset_link)
        assert "Choose a new password" in form.text
        token = reset_link.split("token=")[1]
        done = Visitor(client).post(
            "/reset-password",
            {
                "token": token,
                "new_password": NEW_PASSWORD,
                "new_password_confirm": NEW_PASSWORD,
            },
            page=reset_link,
        )
        assert done.headers["location"] == "/app?notice=password-reset"
        assert other_device.get("/app", follow_redirects=False).status_code == 303  # signed out
        reused = Visitor(client).post(
            "/reset-password",
            {
                "token": token,
                "new_password": PASSWORD,
                "new_password_confirm": PASSWORD,
            },
            page="/login",
        )
        assert reused.status_code == 410
        client.cookies.delete("session")
        assert Visitor(client).log_in("ada@example.com", PASSWORD).status_code == 401
        assert Visitor(client).log_in("ada@example.com", NEW_PASSWORD).status_code == 303


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    mail_app: FastAPI, inbox: tuple[Inbox, int]
) -> None:
    mails, _ = inbox
    with TestClient(mail_app) as client:
        asked = Visitor(client).post("/forgot-password", {"email": "nobody@example.com"})
        assert asked.status_code == 200
        assert "If an account exists for that address" in asked.text
    time.sleep(0.2)
    assert mails.messages == []


def test_an_expired_reset_link_is_refused(mail_app: FastAPI, inbox: tuple[Inbox, int]) -> None:
    mails, _ = inbox
    with TestClient(mail_app) as client:
        Visitor(client).sign_up("ada@example.com")
        Visitor(client).post("/forgot-password", {"email": "ada@example.com"})
        reset_link = mails.link(2)
        with mail_app.state.db.session() as db:
            db.execute(update(EmailToken).values(expires_at=EmailToken.created_at))
        assert client.get(reset_link).status_code == 410


def test_the_owner_signs_in_with_a_mailed_link(mail_app: FastAPI, inbox: tuple[Inbox, int]) -> None:
    mails, _ = inbox
    with TestClient(mail_app) as client:
        Visitor(client).sign_up("ada@example.com")
        client.cookies.delete("session")
        Visitor(client).post("/login/email", {"email": "ada@example.com"})
        link = mails.link(2)
        assert link.startswith("/login/link?token=")
        # Opening the link (as a mail scanner would) spends nothing: it asks for a click.
        assert "Sign in to" in client.get(link).text
        assert client.get("/app", follow_redirects=False).status_code == 303
        token = link.split("token=")[1]
        signed_in = Visitor(client).post("/login/link", {"token": token}, page=link)
        assert signed_in.headers["location"] == "/app"
        assert client.get("/app").status_code == 200
    with mail_app.state.db.session() as db:
        assert db.scalars(select(User)).one().email_verified


def test_a_new_password_spends_every_older_link(
    mail_app: FastAPI, inbox: tuple[Inbox, int]
) -> None:
    mails, _ = inbox
    with TestClient(mail_app) as client:
        Visitor(client).sign_up("ada@example.com")
        client.cookies.delete("session")
        Visitor(client).post("/forgot-password", {"email": "ada@example.com"})
        Visitor(client).post("/login/email", {"email": "ada@example.com"})
        Visitor(client).post("/forgot-password", {"email": "ada@example.com"})
        first_reset, sign_in, second_reset = mails.link(2), mails.link(3), mails.link(4)
        token = second_reset.split("token=")[1]
        done = Visitor(client).post(
            "/reset-password",
            {"token": token, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
            page=second_reset,
        )
        assert done.status_code == 303
        assert client.get(first_reset).status_code == 410
        assert client.get(sign_in).status_code == 410


def test_one_client_cannot_make_the_app_mail_everyone(mail_app: FastAPI) -> None:
    with TestClient(mail_app) as client:
        statuses = [
            Visitor(client).post("/forgot-password", {"email": f"user{i}@example.com"}).status_code
            for i in range(21)
        ]
    assert statuses == [200] * 20 + [429]
