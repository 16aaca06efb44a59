"""Idea exchanges: an open question to a group of families, their ideas and their reactions.

Anonymity (docs/listening.md): nothing here names a family. A :class:`Participant` is an
opaque pseudonym, an HMAC of (a key derived from ``SECRET_KEY``, the exchange, the caregiver),
so that the same caregiver maps to the same participant within one exchange without the row
holding a caregiver id, a phone number or an email address. Ideas and reactions point to the
participant only. Immigration status is never asked for nor stored.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdeaExchange(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        JUNTOS = "juntos", _("Juntos")
        POLIS = "polis", _("Imported from Polis")

    district = models.ForeignKey("people.District", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "people.School", on_delete=models.CASCADE, related_name="idea_exchanges"
    )
    question = models.TextField()
    question_language = models.CharField(max_length=35, default="en")
    # The reach pipeline's audience (juntos/messaging/audience.py): kind and its reference.
    audience_kind = models.CharField(max_length=10, default="school")
    audience_ref = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    # The Message that carried the question (its Deliveries say who was asked by SMS).
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.JUNTOS)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(question__regex=r"^\s*$"), name="exchange_question_required"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(opens_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="exchange_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.question[:60]


class Participant(models.Model):
    """One anonymous person in one exchange: a pseudonym, never a caregiver id."""

    exchange = models.ForeignKey(
        IdeaExchange, on_delete=models.CASCADE, related_name="participants"
    )
    pseudonym = models.CharField(max_length=64)
    language = models.CharField(max_length=35, default="en")
    # The idea last sent to this participant by SMS: a "1", "2" or "3" reacts to it.
    awaiting_idea = models.ForeignKey(
        "Idea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the exchange last texted them (an idea, or "no more ideas"): their SMS session
    # stays open for a while after it (queries.SMS_SESSION).
    offered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "pseudonym"], name="participant_unique_pseudonym"
            )
        ]

    def __str__(self) -> str:
        return f"participant {self.pseudonym[:8]}"


class Idea(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Family page")
        SMS = "sms", _("SMS")
        IMPORT = "import", _("Imported")

    exchange = models.ForeignKey(IdeaExchange, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    text = models.TextField()
    # The language the text is written in (detected, with the author's languages as a prior),
    # and the language the author reads (their preference).
    language = models.CharField(max_length=35)
    declared_language = models.CharField(max_length=35, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Found automatically, for the moderator: [{"kind": "phone" | "email" | "name", "text": …}].
    flags = models.JSONField(default=list, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The comment id in an imported Polis conversation.
    external_id = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text__regex=r"^\s*$"), name="idea_text_required")
        ]
        indexes = [models.Index(fields=["exchange", "status"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def follow_up_caregiver_id(self) -> int | None:
        """The caregiver who asked to hear what becomes of this idea, or None (anonymous)."""
        follower = IdeaFollower.objects.filter(idea_id=self.pk).first()
        return follower.caregiver_id if follower is not None else None


class Reaction(models.Model):
    class Value(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        PASS = "pass", _("Pass")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reactions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="reactions")
    value = models.CharField(max_length=10, choices=Value.choices)
    channel = models.CharField(max_length=10, choices=Idea.Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "participant"], name="reaction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.value} on {self.idea_id}"


class IdeaRendition(models.Model):
    """An idea in one reader's language, made once by the translation pipeline and kept."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="renditions")
    language = models.CharField(max_length=35)
    text = models.TextField()
    method = models.CharField(max_length=10)
    status = models.CharField(max_length=10)
    machine_notice = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "language"], name="idea_rendition_unique")
        ]

    def __str__(self) -> str:
        return f"idea {self.idea_id} in {self.language}"


class IdeaFollower(models.Model):
    """A family who asked to be told what the school does with their idea.

    Ideas are anonymous. Only a family who ticks "tell me what happens with my idea" is written
    here, apart from the idea's own row, so that the school can send them its "you said, we
    did" updates (juntos/commitments). Nobody else's idea can be tied to a person.
    """

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="follower")
    caregiver = models.ForeignKey("people.Caregiver", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"follower of idea {self.idea_id}"


# --- Analyses: opinion groups and themes (juntos/listening/analysis.py) -----------------------


class OpinionRun(models.Model):
    """One computation of an exchange's opinion groups: the row is the truth.

    ``do_request_opinion_run`` writes it pending and enqueues the task after commit; the task
    claims it with a conditional UPDATE (pending → running), computes, and stores the result
    (``opinion.OpinionResult.to_dict()``: participant ids are ``Participant`` pks, statement
    ids ``Idea`` pks). The page shows the newest finished run.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Computing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    exchange = models.ForeignKey(
        IdeaExchange, on_delete=models.CASCADE, related_name="opinion_runs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    # How many reactions the exchange had when the run read them (the "recompute after N new
    # reactions" rule compares against it).
    reactions = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    statements = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["exchange", "status"])]

    def __str__(self) -> str:
        return f"opinion run {self.pk} of exchange {self.exchange_id} ({self.status})"


class ThemeRun(models.Model):
    """One computation of an exchange's themes (same life as :class:`OpinionRun`).

    The themes themselves are :class:`Theme` rows, kept from run to run by their key (so a
    theme keeps its id, its staff name and its kind when its members barely change).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Computing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    exchange = models.ForeignKey(IdeaExchange, on_delete=models.CASCADE, related_name="theme_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)
    # Themes chosen per space ({"pivot": 3, "so": 1}).
    k_by_space = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["exchange", "status"])]

    def __str__(self) -> str:
        return f"theme run {self.pk} of exchange {self.exchange_id} ({self.status})"


class Theme(models.Model):
    """A theme of an exchange's ideas. Its id is stable while its key lives: a commitment or a
    team's plan line may cite it (``theme_id``, ``theme_label``)."""

    class Kind(models.TextChoices):
        UNSORTED = "unsorted", _("Not sorted yet")
        STRENGTH = "strength", _("Strength")
        NEED = "need", _("Need")

    exchange = models.ForeignKey(IdeaExchange, on_delete=models.CASCADE, related_name="themes")
    key = models.CharField(max_length=20)
    # Given by staff; kept across recomputations (themes.match_themes).
    name = models.CharField(max_length=200, blank=True, default="")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UNSORTED)
    # "pivot" (English renditions), a language code, or "mixed" (themes.Theme.language).
    language = models.CharField(max_length=35, default="pivot")
    top_terms = models.JSONField(default=list, blank=True)
    # [[idea id, text, language], …]: the ideas nearest the theme's centre.
    quotes = models.JSONField(default=list, blank=True)
    run = models.ForeignKey(
        ThemeRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # False once a recomputation no longer finds it (kept so that citations still resolve).
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["exchange", "key"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "key"], name="theme_unique_key"),
            models.CheckConstraint(
                condition=Q(kind__in=["unsorted", "strength", "need"]), name="theme_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The staff name, else the first top terms."""
        return self.name or ", ".join(str(term) for term in self.top_terms[:3]) or self.key


class ThemeMember(models.Model):
    """An idea in a theme: an idea is in at most one theme at a time."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="members")
    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="theme_member")

    def __str__(self) -> str:
        return f"idea {self.idea_id} in theme {self.theme_id}"


# --- Listening sessions (sessions.py, docs/listening.md "Listening sessions") ----------------


class Protocol(models.Model):
    """A question set for listening sessions. The shipped ones (``district`` null, ``key`` set)
    come from ``protocols/<key>.json`` with their translations; a district edits its own copy."""

    district = models.ForeignKey(
        "people.District", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The library key of a shipped protocol, or of the one a copy was made from.
    key = models.CharField(max_length=40, blank=True, default="")
    title = models.CharField(max_length=200)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["district_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(district__isnull=True), name="protocol_shipped_unique"
            ),
            models.CheckConstraint(
                condition=~Q(title__regex=r"^\s*$"), name="protocol_title_required"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shipped(self) -> bool:
        return self.district_id is None


class ProtocolQuestion(models.Model):
    """One open question. ``key`` names the library question while the text is the library's
    English; an edited text clears it, and is then translated by the pipeline."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    key = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["protocol", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "position"], name="protocol_question_position_unique"
            ),
            models.CheckConstraint(
                condition=~Q(text__regex=r"^\s*$"), name="protocol_question_text_required"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class SpeakerRole(models.TextChoices):
    FAMILY = "family", _("Family member")
    COMMUNITY = "community", _("Community member")
    STAFF = "staff", _("Staff")


class ListeningSession(models.Model):
    class Modality(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        PHONE = "phone", _("By phone")

    district = models.ForeignKey("people.District", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "people.School", on_delete=models.CASCADE, related_name="listening_sessions"
    )
    title = models.CharField(max_length=200)
    date = models.DateField()
    modality = models.CharField(max_length=10, choices=Modality.choices)
    # Language codes of the session (registry tags): the run sheets and the capture screen.
    languages = models.JSONField(default=list)
    facilitators = models.ManyToManyField("people.Staff", blank=True, related_name="+")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="sessions")
    # The key in the families' web link (/listening/s/<token>/): whoever holds it may answer.
    token = models.CharField(max_length=43, unique=True)
    created_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title__regex=r"^\s*$"), name="session_title_required"
            ),
            models.CheckConstraint(
                condition=Q(modality__in=["in_person", "virtual", "phone"]),
                name="session_modality_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SessionResponse(models.Model):
    """What someone said or wrote at a session, anonymous and unlinkable: no caregiver, no
    phone, no email, no staff author, and a date without a time of day (a time could be
    matched with a sign-in or a text message)."""

    class Channel(models.TextChoices):
        CAPTURE = "capture", _("Facilitator notes")
        WEB = "web", _("Web page")

    session = models.ForeignKey(
        ListeningSession, on_delete=models.CASCADE, related_name="responses"
    )
    question = models.ForeignKey(
        ProtocolQuestion, on_delete=models.PROTECT, related_name="responses"
    )
    text = models.TextField()
    language = models.CharField(max_length=35)
    role = models.CharField(max_length=10, choices=SpeakerRole.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    date = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(text__regex=r"^\s*$"), name="session_response_text_required"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["family", "community", "staff"]),
                name="session_response_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class SessionTally(models.Model):
    """How many times someone of ``role`` spoke on ``question`` (the facilitator's +1s)."""

    session = models.ForeignKey(ListeningSession, on_delete=models.CASCADE, related_name="tallies")
    question = models.ForeignKey(ProtocolQuestion, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=SpeakerRole.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "question", "role"], name="session_tally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.count}"
