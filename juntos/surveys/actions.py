"""Every write of the surveys app: create a survey, open and close a wave, issue paper codes,
submit a response (docs/surveys.md)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from juntos.messaging import audience as aud
from juntos.people.models import Caregiver, ContactWindow, School, Staff
from juntos.portal.actions import (
    NEEDS,
    PREFERENCE_CHANNELS,
    Preferences,
    WindowInput,
    do_update_family_preferences,
)
from juntos.portal.actions import InputError as PreferenceError
from juntos.portal.language import supported
from juntos.surveys.instruments import INSTRUMENT_KEYS, instrument, parse_answers
from juntos.surveys.models import NamedResponse, Response, Survey, Token, Wave

INVITATION_TEMPLATE = "survey.invitation"
# Paper codes: 8 letters and digits that cannot be misread for each other (no 0/O, 1/I/L),
# printed as two groups of four. 31^8 is about 8.5e11: not guessable by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


class SurveyError(ValueError):
    """Input an action refuses: ``errors`` maps a field (or a question id) to a code or to a
    sentence for staff."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalize_code(code: str) -> str:
    """A typed paper code as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def show_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def survey_link(token: str, base_url: str = "") -> str:
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or base_url).rstrip("/")
    return base + reverse("surveys:family", kwargs={"token": token})


# --- Staff -----------------------------------------------------------------------------------


def do_create_survey(
    *,
    by: Staff,
    school: School,
    instrument_key: str,
    title: str,
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> Survey:
    """A draft survey of one school. Raises SurveyError naming each bad field."""
    errors: dict[str, str] = {}
    title = title.strip()
    if not title:
        errors["title"] = _("Give the survey a title.")
    if instrument_key not in INSTRUMENT_KEYS:
        errors["instrument"] = _("Choose one of the surveys offered.")
    if school.district_id != by.district_id:
        errors["school"] = _("Choose a school of your district.")
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = _("The survey must close after it opens.")
    if errors:
        raise SurveyError(errors)
    return Survey.objects.create(
        district_id=by.district_id,
        school=school,
        instrument=instrument_key,
        instrument_version=instrument(instrument_key).version,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )


@dataclass(frozen=True)
class OpenedWave:
    wave: Wave
    # caregiver id → the one-time token sent to them (shown nowhere; tests read it)
    tokens: dict[int, str]


def do_open_wave(*, by: Staff, survey: Survey, name: str, base_url: str = "") -> OpenedWave:
    """Open a new wave of ``survey`` and send each family of its school a one-time link.

    One transaction:
    1. the survey is locked; a wave that is still open refuses a second one;
    2. the audience (every active caregiver of a student of the school) is resolved once;
    3. one Token per caregiver (its hash only; the caregiver is kept so that nobody is sent
       two links for the wave);
    4. each family is sent the template ``survey.invitation`` with its link, through the
       reach pipeline (``do_send_conversation_message``: their language, their first usable
       channel and contact window; a family on paper gets it in the letters to print).
    """
    from juntos.messaging.actions import do_open_conversation, do_send_conversation_message

    name = name.strip()
    if not name:
        raise SurveyError({"name": _('Name the wave, for example "Fall 2026".')})
    today = timezone.localdate()
    with transaction.atomic():
        locked = Survey.objects.select_for_update().select_related("school").get(pk=survey.pk)
        if locked.waves.filter(status=Wave.Status.OPEN).exists():
            raise SurveyError({"name": _("Close the open wave before starting another.")})
        number = locked.waves.count() + 1
        wave = Wave.objects.create(survey=locked, number=number, name=name, opened_on=today)
        targets = aud.resolve_targets(
            district_id=locked.district_id,
            kind=aud.SCHOOL,
            ref={"ids": [locked.school_id]},
            with_windows=False,
        )
        tokens: dict[int, str] = {}
        rows = []
        for target in targets:
            token = secrets.token_urlsafe(18)
            tokens[target.caregiver_id] = token
            rows.append(
                Token(
                    wave=wave,
                    caregiver_id=target.caregiver_id,
                    token_hash=_hash(token),
                    channel=target.channel if target.reachable else "",
                )
            )
        Token.objects.bulk_create(rows)
        locked.status = Survey.Status.OPEN
        locked.opens_on = locked.opens_on or today
        locked.save(update_fields=["status", "opens_on"])
        caregivers = Caregiver.objects.filter(pk__in=tokens, is_active=True).order_by("pk")
        for caregiver in caregivers:
            conversation = do_open_conversation(caregiver=caregiver, owner=by, school=locked.school)
            do_send_conversation_message(
                by=by,
                conversation=conversation,
                body="",
                kind="system",
                template_key=INVITATION_TEMPLATE,
                context={
                    "school": locked.school.name,
                    "link": survey_link(tokens[caregiver.pk], base_url),
                },
            )
    return OpenedWave(wave, tokens)


def do_close_wave(*, by: Staff | None, wave: Wave) -> Wave:
    """Close a wave: its tokens stop working. Closing twice does nothing."""
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        if locked.status == Wave.Status.CLOSED:
            return locked
        today = timezone.localdate()
        locked.status = Wave.Status.CLOSED
        locked.closed_on = today
        locked.save(update_fields=["status", "closed_on"])
        Survey.objects.filter(pk=locked.survey_id).update(
            status=Survey.Status.CLOSED, closes_on=today
        )
    return locked


@dataclass(frozen=True)
class PaperCode:
    caregiver: Caregiver
    code: str  # as printed: ABCD-EFGH


def do_issue_paper_codes(*, by: Staff, wave: Wave) -> list[PaperCode]:
    """A fresh short code for every family of an open wave who has not answered yet, to print
    and hand out with a paper form. Printing again reissues every code: an earlier sheet
    (lost, or left on a desk) stops working. The links sent by SMS or email keep working."""
    issued: list[PaperCode] = []
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        if locked.status != Wave.Status.OPEN:
            raise SurveyError({"wave": _("This wave is closed.")})
        tokens = list(
            Token.objects.select_for_update()
            .filter(wave=locked, used=False, caregiver__isnull=False)
            .select_related("caregiver")
            .order_by("caregiver__family_name", "caregiver__given_name", "pk")
        )
        for token in tokens:
            code = _new_code()
            token.code_hash = _hash(code)
            if token.caregiver is not None:
                issued.append(PaperCode(token.caregiver, show_code(code)))
        Token.objects.bulk_update(tokens, ["code_hash"])
    return issued


# --- Families --------------------------------------------------------------------------------


def find_token(*, token: str = "", code: str = "") -> Token | None:
    """The token a link or a paper code names (no lock: for showing the page)."""
    query = Token.objects.select_related("wave__survey__school", "caregiver")
    if token:
        return query.filter(token_hash=_hash(token)).first()
    if code and normalize_code(code):
        return query.filter(code_hash=_hash(normalize_code(code))).first()
    return None


def _windows(caregiver: Caregiver) -> tuple[WindowInput, ...]:
    return tuple(
        WindowInput(tuple(w.weekdays or ()), w.start, w.end)
        for w in ContactWindow.objects.filter(caregiver=caregiver).order_by("pk")
    )


def _update_preferences(caregiver: Caregiver, answers: Mapping[str, object]) -> None:
    """What a named engagement-needs answer changes: the channel chosen goes first, the
    interpreter language becomes the preferred language, and the ride, childcare and
    interpreter needs follow the yes/no answers. A skipped question changes nothing."""
    language = supported(caregiver.preferred_language) or caregiver.preferred_language
    needs = {need: bool(getattr(caregiver, need)) for need in NEEDS}
    channels = [c for c in caregiver.channel_preferences or [] if c in PREFERENCE_CHANNELS]
    chosen = answers.get("channel")
    if isinstance(chosen, str) and chosen in PREFERENCE_CHANNELS:
        channels = [chosen, *(c for c in channels if c != chosen)]
    if not channels:
        channels = list(PREFERENCE_CHANNELS)
    for question, need in (
        ("transport", "needs_transport"),
        ("childcare", "needs_childcare"),
        ("interpretation", "needs_interpretation"),
    ):
        if answers.get(question) in ("yes", "no"):
            needs[need] = answers[question] == "yes"
    interpreter = answers.get("interpretation_language")
    if answers.get("interpretation") == "yes" and isinstance(interpreter, str):
        language = interpreter
    prefs = Preferences(
        language=language, channels=tuple(channels), windows=_windows(caregiver), needs=needs
    )
    do_update_family_preferences(caregiver=caregiver, prefs=prefs)


def do_submit_response(
    *,
    data: Mapping[str, Sequence[str]],
    language: str,
    token: str = "",
    code: str = "",
    named: bool = False,
) -> Response:
    """Spend a token (a link's or a paper code's) on one family's answers. All or nothing.

    Steps, in one transaction:
    1. the token is locked; an unknown one raises SurveyError({"token": "unknown"}), a spent
       one {"token": "used"}, one of a closed wave {"token": "closed"};
    2. the answers are parsed against the instrument; any answer that is not one of the
       question's raises SurveyError({question id: "choose"}) and nothing is spent;
    3. the token is marked used and the Response written (language, answers, the date);
    4. only for an instrument that updates preferences, and only when the family asked to
       answer with its name (``named``) and the token names a caregiver: a NamedResponse, and
       that caregiver's preferences updated (an impossible preference undoes everything).
    """
    with transaction.atomic():
        query = Token.objects.select_for_update().select_related("wave__survey")
        if token:
            found = query.filter(token_hash=_hash(token)).first()
        elif normalize_code(code):
            found = query.filter(code_hash=_hash(normalize_code(code))).first()
        else:
            found = None
        if found is None:
            raise SurveyError({"token": "unknown"})
        if found.used:
            raise SurveyError({"token": "used"})
        if found.wave.status != Wave.Status.OPEN:
            raise SurveyError({"token": "closed"})
        form = instrument(found.wave.survey.instrument)
        answers, errors = parse_answers(form, data)
        if errors:
            raise SurveyError(errors)
        found.used = True
        found.save(update_fields=["used"])
        response = Response.objects.create(
            wave=found.wave,
            language=language,
            answers=answers,
            submitted_on=timezone.localdate(),
        )
        if named and form.updates_preferences and found.caregiver_id is not None:
            caregiver = Caregiver.objects.get(pk=found.caregiver_id)
            NamedResponse.objects.create(response=response, caregiver=caregiver)
            try:
                _update_preferences(caregiver, answers)
            except PreferenceError as error:
                raise SurveyError({"named": "preferences"}) from error
    return response
