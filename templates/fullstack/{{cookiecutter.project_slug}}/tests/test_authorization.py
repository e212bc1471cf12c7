"""One user can never read or change another's data, however the URL is guessed."""

from __future__ import annotations

from .support import Visitor


def test_another_users_conversation_is_a_404_everywhere(
    alice: Visitor, other_visitor: Visitor
) -> None:
    conversation = alice.start_conversation("Alice's private draft about her novel.")
    page = alice.client.get(f"/app/c/{conversation}")
    answer_id = int(page.text.split('id="message-')[2].split('"')[0])

    bob = other_visitor
    bob.sign_up("bob@example.com")
    base = f"/app/c/{conversation}"
    assert bob.client.get(base).status_code == 404
    assert "Page not found" in bob.client.get(base).text
    assert bob.client.get(f"{base}/messages/{answer_id}/stream").status_code == 404
    assert bob.post(f"{base}/messages", {"prompt": "mine now"}, page="/app").status_code == 404
    assert bob.post(f"{base}/delete", page="/app").status_code == 404
    # Bob's own conversation id does not open Alice's messages either.
    own = bob.start_conversation("Bob's question.")
    assert bob.client.get(f"/app/c/{own}/messages/{answer_id}/stream").status_code == 404
    assert "Alice" not in bob.client.get("/app").text

    still = alice.client.get(base)
    assert still.status_code == 200
    assert "mine now" not in still.text


def test_pages_need_a_signed_in_user(visitor: Visitor) -> None:
    for url in ("/app", "/app/c/1", "/account", "/app/c/1/messages/2/stream"):
        response = visitor.client.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"] == f"/login?next={url}"


def test_htmx_requests_are_sent_to_the_login_page(visitor: Visitor) -> None:
    response = visitor.client.get("/app", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login?next=/app"
