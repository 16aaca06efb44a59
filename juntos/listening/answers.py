"""Taking part in an idea exchange by SMS, claimed before a reply reaches the inbox.

The grammar (docs/listening.md), for a caregiver whose exchange question went out by SMS while
the exchange is open, within ``queries.SMS_SESSION`` of the question or of the last idea the
exchange texted them:

* ``1``, ``2`` or ``3`` (alone, surrounding punctuation ignored) when an idea was sent to them
  and they have not reacted to it yet: agree, disagree or pass on that idea; the answer thanks
  them and sends the next idea (balanced exposure), or says there are no more for now;
* any other text of up to ``MAX_IDEA_CHARS`` characters that has words in it: a new idea, held
  for a moderator; the answer thanks them and sends an idea of another family to react to;
* anything else (a lone digit with no idea waiting, a number, a very long text): not claimed,
  so it reaches the inbox, where a person reads it.

Every answer is in the caregiver's language (this app's catalogs); ideas are sent in it through
the translation pipeline. When another app also waits for an answer from the same caregiver
(an event invitation), messaging's rule applies: nobody claims the reply, the inbox has it.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from juntos.listening import actions, queries
from juntos.listening.models import Idea, IdeaExchange, Participant, Reaction
from juntos.messaging import replies
from juntos.messaging.actions import InputError
from juntos.people.models import Caregiver

DIGITS = {"1": Reaction.Value.AGREE, "2": Reaction.Value.DISAGREE, "3": Reaction.Value.PASS}
TRIM = " \t\r\n.!?¡¿,;:。！？،؟\"'«»“”()"  # noqa: RUF001 - punctuation families type


def awaits_idea(reply: replies.Reply) -> bool:
    """Whether an exchange question sent by SMS to one of these caregivers is still open."""
    return any(queries.exchanges_awaiting_sms(c.pk) for c in reply.caregivers)


def _found(reply: replies.Reply) -> tuple[Caregiver, IdeaExchange] | None:
    for caregiver in reply.caregivers:
        exchanges = queries.exchanges_awaiting_sms(caregiver.pk)
        if exchanges:
            return caregiver, exchanges[0]
    return None


def handle_reply(reply: replies.Reply) -> replies.Handled | None:
    """The reply handler registered in ``ListeningConfig.ready`` (messaging/replies.py)."""
    found = _found(reply)
    if found is None:
        return None
    caregiver, exchange = found
    text = reply.body.strip()
    bare = text.strip(TRIM)
    if bare in DIGITS:
        return _reaction(caregiver, exchange, DIGITS[bare])
    if not any(ch.isalpha() for ch in text) or len(text) > actions.MAX_IDEA_CHARS:
        return None
    try:
        actions.do_add_idea(
            exchange=exchange, caregiver=caregiver, text=text, channel=Idea.Channel.SMS
        )
    except InputError:
        return None
    participant = queries.participant_of(exchange, caregiver)
    assert participant is not None  # noqa: S101 - do_add_idea made it
    language = actions.family_language(caregiver)
    with translation.override(_page_language(language)):
        thanks = _("Thank you, we received your idea. A moderator reads every idea first.")
    return replies.Handled(
        by="listening_idea", answer=_with_next(thanks, participant, exchange, language)
    )


def _reaction(caregiver: Caregiver, exchange: IdeaExchange, value: str) -> replies.Handled | None:
    participant = queries.participant_of(exchange, caregiver)
    if participant is None or participant.awaiting_idea_id is None:
        return None  # a lone digit with no idea sent: a person reads it
    idea = Idea.objects.get(pk=participant.awaiting_idea_id)
    try:
        actions.do_react(idea=idea, caregiver=caregiver, value=value, channel=Idea.Channel.SMS)
    except InputError:
        return None
    participant.refresh_from_db()
    language = actions.family_language(caregiver)
    with translation.override(_page_language(language)):
        thanks = _("Thank you for your answer.")
    return replies.Handled(
        by="listening_reaction", answer=_with_next(thanks, participant, exchange, language)
    )


def _page_language(language: str) -> str:
    from juntos.portal.language import supported

    return supported(language) or "en"


def _with_next(thanks: str, participant: Participant, exchange: IdeaExchange, language: str) -> str:
    """``thanks``, then the next idea for the participant with how to react, or "no more"."""
    ideas = queries.next_ideas_for(participant, 1)
    actions.do_offer_idea(participant=participant, idea=ideas[0] if ideas else None)
    with translation.override(_page_language(language)):
        if not ideas:
            return f"{thanks}\n\n" + _("There are no other ideas for you now. Thank you!")
        shown = actions.do_render_ideas(
            ideas=ideas, language=language, district_id=exchange.district_id
        )[ideas[0].pk]
        idea = _("Another family's idea: %(idea)s") % {"idea": shown.text}
        if shown.machine:
            idea += " " + _("(Translated by a computer.)")
        how = _("Reply 1 agree, 2 disagree, 3 pass.")
    return f"{thanks}\n\n{idea}\n{how}"
