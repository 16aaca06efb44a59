"""axe-core finds no serious or critical violation on every page a person uses, in English,
Spanish and Arabic (issue 5).

Every GET page of the URL matrix (tests/test_it_authorizes_every_url.py) that answers with HTML
is here, staff pages and family pages; POST-only URLs, the API, calendar files, PDFs, htmx
fragments and the Django admin are not pages a person reads. Each page is opened once per
language:

* staff pages follow the browser's Accept-Language (staff pages exist in English and Spanish:
  Arabic asks get English, or Arabic labelled right-to-left, never a mismatch of lang and dir);
* anonymous family pages follow Accept-Language too (the same as ``?lang=``: docs/portal.md);
* signed-in family pages follow the caregiver's preferred language, set to the run's language.

A smoke check, not an audit: axe catches what a machine can (names, labels, contrast,
landmarks, table headers); keyboard use and screen-reader sense still need a person.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from conftest import World
from juntos.conferences.tests.helpers import slot, staff_of, tomorrow_at
from juntos.events.models import Event
from juntos.events.tests.helpers import invite_class, make_event, remember_spanish, sms_phone
from juntos.language.tests import translation_world
from juntos.messaging.tests import announcement_world
from juntos.people.models import ImportRun
from juntos.portal.models import MagicLink
from juntos.portal.queries import hash_token
from juntos.portal.session import SESSION_KEY
from juntos.testing.browser import (
    ACTION_TIMEOUT_MS,
    MOBILE_VIEWPORT,
    NAVIGATION_TIMEOUT_MS,
    PageWatch,
    describe_violations,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "es", "ar")
RIGHT_TO_LEFT = frozenset({"ar"})
# The languages a staff page may be labelled with when the browser asks for each: staff pages
# ship in English and Spanish only.
STAFF_PAGE_LANGUAGES = {"en": {"en"}, "es": {"es"}, "ar": {"en", "ar"}}
UNUSED_TOKEN = "a-link-nobody-opened-yet-0123456789abcdef"
USED_TOKEN = "a-link-already-used-0123456789abcdefghij"


# --- Sessions without the sign-in forms (those forms have their own tests) ---------------------


def staff_session(page: Page, base_url: str, user: Any) -> None:
    """Sign ``user`` in on ``page``'s browser context (the cookie a password sign-in sets)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )


def family_session(page: Page, base_url: str, caregiver: Any) -> None:
    """A family session for ``caregiver`` on ``page``'s context (what opening a link sets)."""
    session = SessionStore()
    session[SESSION_KEY] = caregiver.pk
    session.save()
    assert session.session_key is not None
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": base_url,
            }
        ]
    )


class LocalizedPages:
    """Browser contexts whose Accept-Language is the reader's language (``BrowserPages`` pins
    en-US), each page watched for console errors and failed assets like ``BrowserPages``'."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.opened: list[tuple[BrowserContext, PageWatch]] = []

    def new_page(self, language: str, *, viewport: ViewportSize = MOBILE_VIEWPORT) -> Page:
        context = self.browser.new_context(viewport=viewport, locale=language)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page = context.new_page()
        self.opened.append((context, PageWatch().attach(page)))
        return page

    def assert_clean(self) -> None:
        for _context, watch in self.opened:
            watch.assert_clean()

    def close(self) -> None:
        for context, _watch in self.opened:
            context.close()
        self.opened.clear()


@pytest.fixture
def localized(browser: Browser) -> Iterator[LocalizedPages]:
    opened = LocalizedPages(browser)
    try:
        yield opened
    finally:
        opened.close()


# --- The rows the pages show ------------------------------------------------------------------


class Rows:
    """The rows each page needs, built only when a page asks (each test opens one page)."""

    def __init__(self, world: World, base_url: str, language: str) -> None:
        self.world, self.base_url, self.language = world, base_url, language

    @functools.cached_property
    def family(self) -> Any:
        """Rosa (North, Room 4) reading the run's language, with a phone for texts."""
        rosa = self.world.north_family
        sms_phone(rosa)
        rosa.preferred_language = self.language
        rosa.save(update_fields=["preferred_language"])
        return rosa

    @functools.cached_property
    def event(self) -> Event:
        """A published literacy night with two evenings; Room 4's families are invited."""
        remember_spanish(self.world)
        self.family  # noqa: B018 - invited with a phone
        event = make_event(self.world, options=2)
        invite_class(self.world, event)
        return event

    @functools.cached_property
    def runs(self) -> tuple[ImportRun, ImportRun]:
        admin = self.world.personas["district_admin"]
        succeeded = ImportRun.objects.create(
            district=self.world.district, created_by=admin, source_name="roster-2026-08.zip",
            path="/nonexistent.zip", status=ImportRun.Status.SUCCEEDED,
            report={"counts": {"students": {"created": 3, "updated": 1, "deleted": 0,
                                            "unchanged": 12}},
                    "warnings": [{"file": "users.csv", "line": 4, "column": "email",
                                  "reason": "Not an email address; left out."}]},
        )  # fmt: skip
        failed = ImportRun.objects.create(
            district=self.world.district, created_by=admin, source_name="roster-broken.zip",
            path="/nonexistent.zip", status=ImportRun.Status.FAILED,
            report={"errors": [{"file": "users.csv", "line": 7, "column": "role",
                                "reason": "Unknown role: wizard"}]},
        )  # fmt: skip
        return succeeded, failed

    @functools.cached_property
    def exchange(self) -> Any:
        """An open idea exchange of North Elementary (juntos/listening)."""
        from juntos.listening.tests.helpers import open_exchange

        self.family  # noqa: B018 - one of North's families
        return open_exchange(self.world)

    @functools.cached_property
    def commitment(self) -> Any:
        """A public commitment of North Elementary (juntos/commitments)."""
        from juntos.commitments.actions import do_create_commitment

        return do_create_commitment(
            by=staff_of(self.world, "school_leader"), school=self.world.north, kind="action",
            title="Interpreters at every meeting",
        )  # fmt: skip

    def team(self, page: str) -> str:
        """A page of North Elementary's partnership team (juntos/teams), built as the URL
        matrix builds it: the team, a meeting, a decision."""
        from django.urls import reverse

        from tests.test_it_authorizes_every_url import north_decision, north_team

        self.family  # noqa: B018 - one of North's families
        ids = north_team(self.world)
        kwargs = {
            "list": {}, "family_teams": {},
            "meeting": {"meeting_id": ids["meeting_id"]},
            "decision": north_decision(self.world),
        }.get(page, {"team_id": ids["team_id"]})  # fmt: skip
        return reverse(f"teams:{page}", kwargs=kwargs)

    def conference_slots(self) -> None:
        teacher = staff_of(self.world, "teacher")
        slot(teacher, self.world.north, tomorrow_at(15))
        slot(teacher, self.world.north, tomorrow_at(15, 30))

    def magic_link(self, token: str, *, used: bool) -> str:
        now = timezone.now()
        MagicLink.objects.create(
            caregiver=self.family, token_hash=hash_token(token), channel="sms",
            created_at=now, expires_at=now + timedelta(minutes=60),
            used_at=now if used else None,
        )  # fmt: skip
        return f"/family/in/{token}/"

    def lock_out(self, username: str) -> None:
        """Failed sign-ins from this address until the account is locked (django-axes)."""
        client = Client()
        for _ in range(django_settings.AXES_FAILURE_LIMIT):
            client.post("/staff/login/", {"username": username, "password": "wrong"})


# --- The pages --------------------------------------------------------------------------------

Path = Callable[[Rows], str]


@dataclass(frozen=True)
class Spec:
    # A staff persona; "family" (Rosa's session); "anonymous-family" (a family page, no
    # session); "anonymous" (a staff page, no session).
    who: str
    path: Path
    # What the page needs done in the browser before the check (a form sent).
    then: Callable[[Page], None] | None = None

    @property
    def is_family_page(self) -> bool:
        return self.who in ("family", "anonymous-family")


def _submit_contact(page: Page) -> None:
    page.locator("input[name=contact]").first.fill("+15555550199")
    page.locator("input[name=contact]").first.press("Enter")


def _failed_sign_in(page: Page) -> None:
    page.locator("input[name=username]").fill("teacher")
    page.locator("input[name=password]").fill("still wrong")
    page.locator("input[name=password]").press("Enter")


def _locked_out(rows: Rows) -> str:
    rows.lock_out("teacher")
    return "/staff/login/"


def _throttled(rows: Rows) -> str:
    # As if this address had opened its allowance of wrong links (portal.views counts them per
    # address for 15 minutes): every link now gets 429.
    key = "portal:wrong-tokens:127.0.0.1"
    cache.set(key, django_settings.PORTAL_WRONG_TOKENS_PER_IP, timeout=900)
    return "/family/in/any-token-at-all/"


def _book(rows: Rows) -> str:
    rows.family  # noqa: B018
    rows.conference_slots()
    return "/conferences/book/"


def _portal_home(rows: Rows) -> str:
    rows.event  # noqa: B018 - the home page lists it
    return "/family/"


def _paper(rows: Rows) -> str:
    announcement_world.north_batch(rows.world)  # a printed batch to list
    return "/messaging/paper/"


def _events(rows: Rows) -> str:
    rows.event  # noqa: B018 - one to list
    return "/events/"


def _conferences(rows: Rows) -> str:
    rows.conference_slots()
    return "/conferences/"


def _conversation(rows: Rows) -> str:
    message = translation_world.north_message(rows.world)
    return f"/messaging/conversations/{message.conversation_id}/"


PAGES: dict[str, Spec] = {
    # Family pages: the front door and the portal (anonymous ones negotiate their language).
    "home": Spec("anonymous-family", lambda r: "/"),
    "request a link": Spec("anonymous-family", lambda r: "/family/link/"),
    "link sent": Spec("anonymous-family", lambda r: "/family/link/", then=_submit_contact),
    "unknown link refused": Spec("anonymous-family", lambda r: "/family/in/no-such-token/"),
    "used link refused": Spec("anonymous-family", lambda r: r.magic_link(USED_TOKEN, used=True)),
    "open a link": Spec("anonymous-family", lambda r: r.magic_link(UNUSED_TOKEN, used=False)),
    "too many wrong links": Spec("anonymous-family", _throttled),
    "page not found": Spec("anonymous-family", lambda r: "/no-such-page/"),
    "portal home": Spec("family", _portal_home),
    "preferences": Spec("family", lambda r: "/family/preferences/"),
    "family event page": Spec("family", lambda r: f"/events/e/{r.event.pk}/"),
    "conference booking": Spec("family", _book),
    # Staff pages.
    "staff sign-in": Spec("anonymous", lambda r: "/staff/login/"),
    "staff sign-in refused": Spec("anonymous", lambda r: "/staff/login/", then=_failed_sign_in),
    "locked out": Spec("anonymous", _locked_out, then=_failed_sign_in),
    "staff home": Spec("district_admin", lambda r: "/staff/"),
    "staff home of a teacher": Spec("teacher", lambda r: "/staff/"),
    "forbidden": Spec("teacher", lambda r: "/staff/imports/"),
    "family list": Spec("district_admin", lambda r: "/staff/families/"),
    "family search": Spec("district_admin", lambda r: "/staff/families/?q=Tran"),
    "family search, nothing found": Spec("teacher", lambda r: "/staff/families/?q=Hassan"),
    "family detail": Spec(
        "district_admin", lambda r: f"/staff/families/{r.world.north_family_2.pk}/"
    ),
    "student detail": Spec(
        "district_admin", lambda r: f"/staff/students/{r.world.north_student.pk}/"
    ),
    "class roster": Spec("district_admin", lambda r: f"/staff/classes/{r.world.north_class.pk}/"),
    "import list": Spec("district_admin", lambda r: "/staff/imports/"),
    "import detail": Spec("district_admin", lambda r: f"/staff/imports/{r.runs[0].pk}/"),
    "import detail with errors": Spec(
        "district_admin", lambda r: f"/staff/imports/{r.runs[1].pk}/"
    ),
    "inbox": Spec("teacher", lambda r: "/messaging/inbox/"),
    "conversation": Spec("teacher", _conversation),
    "triage": Spec("liaison", lambda r: "/messaging/triage/"),
    "announcements": Spec("school_leader", lambda r: "/messaging/announcements/"),
    "new announcement": Spec("school_leader", lambda r: "/messaging/announcements/new/"),
    "announcement": Spec(
        "school_leader",
        lambda r: f"/messaging/announcements/{announcement_world.north_draft(r.world).pk}/",
    ),
    "outbox": Spec("district_admin", lambda r: "/messaging/outbox/"),
    "call list": Spec("liaison", lambda r: "/messaging/calls/"),
    "paper": Spec("school_leader", _paper),
    "saved lists": Spec("school_leader", lambda r: "/messaging/lists/"),
    "saved list": Spec(
        "school_leader",
        lambda r: f"/messaging/lists/{announcement_world.north_list(r.world).pk}/",
    ),
    "progress note": Spec("teacher", lambda r: "/messaging/notes/new/"),
    "no positive note yet": Spec("teacher", lambda r: "/messaging/notes/no-positive-yet/"),
    "translation queue": Spec("liaison", lambda r: "/staff/translations/"),
    "translation request": Spec(
        "liaison",
        lambda r: f"/staff/translations/{translation_world.north_request(r.world).pk}/",
    ),
    "translations to review": Spec("liaison", lambda r: "/staff/translations/review/"),
    "translation to review": Spec(
        "liaison",
        lambda r: (
            f"/staff/translations/review/{translation_world.north_rendition(r.world).pk}/"
        ),
    ),
    "events": Spec("school_leader", _events),
    "new event": Spec("school_leader", lambda r: "/events/new/"),
    "event": Spec("school_leader", lambda r: f"/events/{r.event.pk}/"),
    "event door": Spec("school_leader", lambda r: f"/events/{r.event.pk}/door/"),
    "conferences": Spec("teacher", _conferences),
    "interpreting": Spec("liaison", lambda r: "/conferences/interpreting/"),
    # Listening and acting on it: idea exchanges, commitments, insights.
    "idea exchanges": Spec("school_leader", lambda r: "/listening/exchanges/"),
    "new idea exchange": Spec("school_leader", lambda r: "/listening/exchanges/new/"),
    "idea exchange": Spec(
        "school_leader", lambda r: f"/listening/exchanges/{r.exchange.pk}/"
    ),
    "family idea exchange": Spec("family", lambda r: f"/listening/x/{r.exchange.pk}/"),
    "idea exchange themes": Spec(
        "school_leader", lambda r: f"/listening/exchanges/{r.exchange.pk}/themes/"
    ),
    "school listening report": Spec(
        "school_leader", lambda r: f"/listening/schools/{r.world.north.pk}/report/"
    ),
    "commitments": Spec("school_leader", lambda r: "/commitments/"),
    "new commitment": Spec("school_leader", lambda r: "/commitments/new/"),
    "commitment": Spec("school_leader", lambda r: f"/commitments/{r.commitment.pk}/"),
    "commitments board": Spec(
        "anonymous-family", lambda r: f"/commitments/board/{r.commitment.school_id}/"
    ),
    "teams": Spec("school_leader", lambda r: r.team("list")),
    "team": Spec("school_leader", lambda r: r.team("detail")),
    "team charter": Spec("school_leader", lambda r: r.team("charter")),
    "team plan": Spec("school_leader", lambda r: r.team("plan")),
    "team decisions": Spec("school_leader", lambda r: r.team("decisions")),
    "team decision": Spec("school_leader", lambda r: r.team("decision")),
    "team meeting": Spec("school_leader", lambda r: r.team("meeting")),
    "family teams": Spec("family", lambda r: r.team("family_teams")),
    "insights": Spec("district_admin", lambda r: "/insights/"),
    "how we count": Spec("teacher", lambda r: "/insights/how-we-count/"),
    "unreached families": Spec("liaison", lambda r: "/insights/unreached/"),
    "data walk": Spec("school_leader", lambda r: "/insights/walk/"),
    "readiness": Spec("school_leader", lambda r: "/insights/readiness/"),
    "unreached student": Spec(
        "liaison", lambda r: f"/insights/unreached/{r.world.north_student.pk}/"
    ),
}  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_counters() -> None:
    """The wrong-link and link-request counters live in the process's cache, shared by every
    test of the session: each page starts with none."""
    cache.clear()


def open_page(page: Page, live_server: LiveServer, world: World, name: str, language: str) -> Rows:
    """Open the page ``name`` as its visitor would, reading ``language``."""
    spec = PAGES[name]
    rows = Rows(world, live_server.url, language)
    target = spec.path(rows)
    if spec.who == "family":
        family_session(page, live_server.url, rows.family)
    elif spec.who not in ("anonymous", "anonymous-family"):
        staff_session(page, live_server.url, world.personas[spec.who])
    page.goto(live_server.url + target)
    if spec.then is not None:
        spec.then(page)
        page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return rows


def assert_language(page: Page, *, family_page: bool, language: str) -> None:
    lang, direction, computed = page.evaluate(
        """() => [document.documentElement.lang, document.documentElement.dir,
                  getComputedStyle(document.body).direction]"""
    )
    expected = {language} if family_page else STAFF_PAGE_LANGUAGES[language]
    assert lang in expected, f"<html lang={lang!r}>, expected one of {sorted(expected)}"
    rtl = lang in RIGHT_TO_LEFT
    assert (direction, computed) == (("rtl", "rtl") if rtl else ("ltr", "ltr")), (
        f"<html lang={lang!r} dir={direction!r}>, body's direction {computed!r}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_it_has_no_serious_accessibility_violations(
    name: str, language: str, world: World, live_server: LiveServer, localized: LocalizedPages
) -> None:
    page = localized.new_page(language)
    open_page(page, live_server, world, name, language)
    assert_language(page, family_page=PAGES[name].is_family_page, language=language)
    violations = serious_accessibility_violations(page)
    assert not violations, f"{name} ({page.url}, {language}):\n{describe_violations(violations)}"
    localized.assert_clean()
