"""A family member's text reply to the pulse: a lone number from 1 to 5.

Claimed only when one of the reply's caregivers has an unused pulse invitation for a meeting
that ended in the last ``PULSE_DAYS`` days. Digits in any script count (Arabic-Indic "٤" is 4).
Anything else — a sentence, a 6 — goes on to the inbox (juntos/messaging/replies.py).
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from juntos.language import pipeline
from juntos.messaging import replies
from juntos.teams.models import PulseInvitation

PULSE_DAYS = 3


def _open_invitations(reply: replies.Reply) -> list[PulseInvitation]:
    since = reply.received_at - timedelta(days=PULSE_DAYS)
    return list(
        PulseInvitation.objects.filter(
            used=False,
            member__caregiver__in=[c.pk for c in reply.caregivers],
            meeting__ended_at__gte=since,
        )
        .select_related("meeting", "member__caregiver")
        .order_by("-meeting__ended_at")
    )


def score_of(body: str) -> int | None:
    text = body.strip().rstrip(".!")
    if len(text) != 1:
        return None
    value = unicodedata.digit(text, None)
    return value if value is not None and 1 <= value <= 5 else None


def awaits_answer(reply: replies.Reply) -> bool:
    return bool(_open_invitations(reply))


def handle_reply(reply: replies.Reply) -> replies.Handled | None:
    from juntos.teams.actions import TeamError, do_answer_pulse_as_member

    score = score_of(reply.body)
    if score is None:
        return None
    invitations = _open_invitations(reply)
    if not invitations:
        return None
    invitation = invitations[0]
    try:
        do_answer_pulse_as_member(meeting=invitation.meeting, member=invitation.member, score=score)
    except TeamError:
        return None
    caregiver = invitation.member.caregiver
    language = caregiver.preferred_language if caregiver else "en"
    thanks = pipeline.render_template("team.pulse_thanks", language, {})
    return replies.Handled(by="team_pulse", answer=pipeline.text_to_send(thanks))
