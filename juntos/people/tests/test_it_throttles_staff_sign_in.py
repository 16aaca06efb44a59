"""Staff sign in with a password (argon2 in production); repeated failures lock the account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import get_hasher
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(
        reverse("people:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="203.0.113.9",
    )


def test_it_signs_in_and_out(world: Any) -> None:
    client = Client()
    response = sign_in(client, "teacher", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:staff_home")
    home = client.get(reverse("people:staff_home"))
    assert "Room 4" in home.content.decode()
    out = client.post(reverse("people:logout"))
    assert out.status_code == 302
    assert client.get(reverse("people:staff_home")).status_code == 302


def test_a_wrong_password_says_so(world: Any) -> None:
    response = sign_in(Client(), "teacher", "wrong")
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_it_locks_after_five_failures(world: Any) -> None:
    client = Client()
    for _ in range(4):
        assert sign_in(client, "teacher", "wrong").status_code == 200
    locked = sign_in(client, "teacher", "wrong")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    # Even the right password is refused while locked.
    assert sign_in(client, "teacher", PASSWORD).status_code == 429
    # Another account from the same address is not locked.
    assert sign_in(Client(), "leader", PASSWORD).status_code == 302


def test_production_hashes_passwords_with_argon2(settings: Any) -> None:
    from juntos import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert get_hasher("argon2").algorithm == "argon2"
