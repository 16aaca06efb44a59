"""OpenID Connect sign-in finds the staff member by the email the provider vouches for."""

from __future__ import annotations

from typing import Any

from juntos.people.oidc import StaffOIDCBackend


def backend() -> StaffOIDCBackend:
    # The backend reads its provider settings at construction; none are needed to map claims.
    instance = StaffOIDCBackend.__new__(StaffOIDCBackend)
    return instance


def test_it_finds_staff_by_verified_email(world: Any) -> None:
    user = world.personas["teacher"]
    found = backend().filter_users_by_claims({"email": user.email.upper(), "email_verified": True})
    assert list(found) == [user]


def test_it_refuses_unverified_or_unknown_or_non_staff(world: Any) -> None:
    user = world.personas["teacher"]
    outsider = world.personas["outsider"]
    b = backend()
    assert not b.filter_users_by_claims({"email": user.email, "email_verified": False}).exists()
    assert not b.filter_users_by_claims({"email": "nobody@example.org"}).exists()
    assert not b.filter_users_by_claims({"email": outsider.email}).exists()
    assert not b.filter_users_by_claims({}).exists()
