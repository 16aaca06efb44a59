"""Opinion groups and themes of an exchange: from the database to the engines and back.

The engines are pure (``opinion.py``, ``themes.py``); this module builds their input from the
rows (the reaction matrix, the ideas with their English renditions), runs them in the
background and stores what they find. It follows the "row is the truth" pattern
(docs/listening.md, "Opinion groups and themes"):

1. ``do_request_opinion_run`` / ``do_request_theme_run`` write a pending run row and enqueue
   the task after commit (a pending row already waiting is reused: one request, one run);
2. the task calls ``do_compute_opinion_groups`` / ``do_compute_themes``, which claim the row
   with a conditional UPDATE (pending → running; a second call finds nothing to claim and
   returns), compute, and store the result; a failure is written on the row;
3. ``do_refresh_analyses`` (the periodic sweep) puts runs stuck past ``STALE_AFTER`` back in
   the queue and requests a new opinion run once an open exchange has ``RECOMPUTE_AFTER`` new
   reactions.

Staff edits of themes (rename, merge, split, move an idea, sort as a strength or a need) lock
the exchange, apply ``themes.py``'s pure edit to the stored themes and write them back. A
recomputation matches its themes to the stored ones under the same lock, so that staff names,
kinds and ids survive it.

The second half builds what the pages show, already suppressed: groups under
``suppression.MINIMUM`` participants are "fewer than 5" with no representative ideas, their
participants are not drawn, and nothing a family page receives names a participant. (Reads
live here rather than in queries.py because they are views of these analyses.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from juntos.insights import charts
from juntos.insights.suppression import MINIMUM, suppress_line
from juntos.listening import opinion, themes
from juntos.listening.actions import Shown, do_render_ideas
from juntos.listening.models import (
    Idea,
    IdeaExchange,
    IdeaRendition,
    OpinionRun,
    Reaction,
    Theme,
    ThemeMember,
    ThemeRun,
)
from juntos.messaging.actions import InputError
from juntos.people.models import Staff

log = logging.getLogger(__name__)

VALUES = {
    Reaction.Value.AGREE: opinion.AGREE,
    Reaction.Value.DISAGREE: opinion.DISAGREE,
    Reaction.Value.PASS: opinion.PASS,
}
# An open exchange's groups are recomputed once it has this many reactions more than the
# last run read.
RECOMPUTE_AFTER = 25
# A run claimed longer ago than this is taken to have died with its worker.
STALE_AFTER = timedelta(minutes=15)
# A statement is listed as common ground when the groups' agreement, averaged geometrically
# (the n-th root of the consensus product), reaches this.
CONSENSUS_FLOOR = 0.5
CONSENSUS_SHOWN = 5
REPRESENTATIVE_SHOWN = 3
PIVOT_LANGUAGE = "en"
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down")


# --- Opinion groups: runs --------------------------------------------------------------------


def do_request_opinion_run(*, exchange: IdeaExchange) -> OpinionRun:
    """A pending opinion run of the exchange, computed in the background after commit. When
    one is already waiting it is returned instead: pressing the button twice runs once."""
    from juntos.listening.tasks import compute_opinion_groups
    from juntos.tasks import enqueue

    with transaction.atomic():
        locked = IdeaExchange.objects.select_for_update().get(pk=exchange.pk)
        waiting = OpinionRun.objects.filter(
            exchange=locked, status=OpinionRun.Status.PENDING
        ).first()
        if waiting is not None:
            return waiting
        run = OpinionRun.objects.create(exchange=locked)
        enqueue(compute_opinion_groups, run.pk)
    return run


@dataclass(frozen=True)
class ReactionMatrix:
    """Participants x approved ideas: +1 agree, -1 disagree, 0 pass, NaN no reaction."""

    matrix: np.ndarray[Any, np.dtype[np.float32]]
    participant_ids: list[int]
    statement_ids: list[int]
    reactions: int


def reaction_matrix(exchange_id: int) -> ReactionMatrix:
    """The exchange's reactions to its approved ideas (one query for the ideas, one for the
    reactions). Participants with no reaction to an approved idea are not rows."""
    statement_ids = list(
        Idea.objects.filter(exchange_id=exchange_id, status=Idea.Status.APPROVED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = list(
        Reaction.objects.filter(
            idea__exchange_id=exchange_id, idea__status=Idea.Status.APPROVED
        ).values_list("participant_id", "idea_id", "value")
    )
    participant_ids = sorted({participant for participant, _idea, _value in rows})
    row_of = {pk: i for i, pk in enumerate(participant_ids)}
    column_of = {pk: j for j, pk in enumerate(statement_ids)}
    matrix = np.full((len(participant_ids), len(statement_ids)), np.nan, dtype=np.float32)
    for participant, idea, value in rows:
        matrix[row_of[participant], column_of[idea]] = VALUES[Reaction.Value(value)]
    return ReactionMatrix(matrix, participant_ids, statement_ids, len(rows))


def _claim(model: type[OpinionRun] | type[ThemeRun], run_id: int) -> bool:
    """Pending → running, by one worker only (a conditional UPDATE)."""
    claimed = model.objects.filter(pk=run_id, status="pending").update(
        status="running", started_at=timezone.now()
    )
    return claimed == 1


def _fail(model: type[OpinionRun] | type[ThemeRun], run_id: int, exc: Exception) -> None:
    log.exception("%s %s failed", model.__name__, run_id)
    model.objects.filter(pk=run_id, status="running").update(
        status="failed", error=f"{type(exc).__name__}: {exc}"[:2000], computed_at=timezone.now()
    )


def latest_opinion_run(exchange_id: int) -> OpinionRun | None:
    """The newest finished opinion run of the exchange."""
    return (
        OpinionRun.objects.filter(exchange_id=exchange_id, status=OpinionRun.Status.DONE)
        .order_by("-computed_at", "-pk")
        .first()
    )


def do_compute_opinion_groups(*, run_id: int) -> bool:
    """Claim the pending run, compute the groups of the exchange's reactions (their labels
    matched to the previous finished run, so that group A stays A) and store them. Returns
    whether this call did the work: a run already claimed or finished is left alone."""
    if not _claim(OpinionRun, run_id):
        return False
    run = OpinionRun.objects.get(pk=run_id)
    try:
        data = reaction_matrix(run.exchange_id)
        before = latest_opinion_run(run.exchange_id)
        previous = opinion.OpinionResult.from_dict(before.result) if before else None
        result = opinion.find_opinion_groups(
            data.matrix, data.participant_ids, data.statement_ids, previous=previous
        )
    except Exception as exc:  # written on the row for staff; the sweep does not retry it
        _fail(OpinionRun, run_id, exc)
        return False
    OpinionRun.objects.filter(pk=run_id, status=OpinionRun.Status.RUNNING).update(
        status=OpinionRun.Status.DONE,
        result=result.to_dict(),
        participants=len(data.participant_ids),
        statements=len(data.statement_ids),
        reactions=data.reactions,
        computed_at=timezone.now(),
    )
    return True


def do_refresh_analyses(*, now: datetime | None = None) -> int:
    """The periodic sweep: runs stuck (pending or running for longer than ``STALE_AFTER``) are
    queued again, and open exchanges with ``RECOMPUTE_AFTER`` reactions more than their last
    opinion run get a new one. Returns how many runs it queued."""
    from juntos.listening.tasks import compute_opinion_groups, compute_themes
    from juntos.tasks import enqueue

    now = now or timezone.now()
    queued = 0
    for model, task in ((OpinionRun, compute_opinion_groups), (ThemeRun, compute_themes)):
        with transaction.atomic():
            stuck = list(
                model.objects.select_for_update(skip_locked=True)
                .filter(
                    Q(status="pending", requested_at__lt=now - STALE_AFTER)
                    | Q(status="running", started_at__lt=now - STALE_AFTER)
                )
                .values_list("pk", flat=True)
            )
            model.objects.filter(pk__in=stuck).update(
                status="pending", started_at=None, requested_at=now
            )
            for run_id in stuck:
                enqueue(task, run_id)
            queued += len(stuck)
    open_exchanges = IdeaExchange.objects.filter(status=IdeaExchange.Status.OPEN).annotate(
        reactions=Count("ideas__reactions")
    )
    for exchange in open_exchanges:
        runs = OpinionRun.objects.filter(exchange=exchange)
        if runs.filter(status__in=(OpinionRun.Status.PENDING, OpinionRun.Status.RUNNING)).exists():
            continue
        last = runs.filter(status=OpinionRun.Status.DONE).order_by("-computed_at", "-pk").first()
        seen = last.reactions if last is not None else 0
        if int(getattr(exchange, "reactions", 0)) - seen >= RECOMPUTE_AFTER:
            do_request_opinion_run(exchange=exchange)
            queued += 1
    return queued


# --- Themes: runs and staff edits --------------------------------------------------------------


def do_request_theme_run(*, exchange: IdeaExchange) -> ThemeRun:
    """A pending theme run of the exchange's approved ideas, computed in the background after
    commit (a run already waiting is returned instead)."""
    from juntos.listening.tasks import compute_themes
    from juntos.tasks import enqueue

    with transaction.atomic():
        locked = IdeaExchange.objects.select_for_update().get(pk=exchange.pk)
        waiting = ThemeRun.objects.filter(exchange=locked, status=ThemeRun.Status.PENDING).first()
        if waiting is not None:
            return waiting
        run = ThemeRun.objects.create(exchange=locked)
        enqueue(compute_themes, run.pk)
    return run


def theme_items(exchange_id: int) -> list[themes.ThemeItem]:
    """The exchange's approved ideas as theme items: the English rendition, when one exists,
    is the pivot text (so that ideas in different languages are compared in English)."""
    ideas = list(
        Idea.objects.filter(exchange_id=exchange_id, status=Idea.Status.APPROVED)
        .order_by("pk")
        .values_list("pk", "text", "language")
    )
    english = dict(
        IdeaRendition.objects.filter(
            idea__exchange_id=exchange_id,
            idea__status=Idea.Status.APPROVED,
            language=PIVOT_LANGUAGE,
        ).values_list("idea_id", "text")
    )
    return [
        themes.ThemeItem(id=pk, text=text, language=language, pivot_text=english.get(pk))
        for pk, text, language in ideas
    ]


def stored_themes(exchange_id: int, item_ids: Iterable[int]) -> themes.ThemeRun:
    """The exchange's themes as they stand (after staff edits), as a ``themes.ThemeRun`` over
    ``item_ids`` (ideas no longer approved are dropped; approved ideas in no theme are
    unthemed). Retired themes are in it, empty, so that their keys are never given again."""
    valid = set(item_ids)
    members: dict[int, list[int]] = {}
    for theme_id, idea_id in (
        ThemeMember.objects.filter(theme__exchange_id=exchange_id)
        .order_by("idea_id")
        .values_list("theme_id", "idea_id")
    ):
        if idea_id in valid:
            members.setdefault(theme_id, []).append(idea_id)
    found: list[themes.Theme] = []
    for row in Theme.objects.filter(exchange_id=exchange_id).order_by("pk"):
        found.append(
            themes.Theme(
                key=row.key,
                language=row.language,
                item_ids=tuple(members.get(row.pk, [])) if row.active else (),
                top_terms=tuple(str(term) for term in row.top_terms),
                quotes=tuple(
                    themes.Quote(item_id=i, text=t, language=lang) for i, t, lang in row.quotes
                ),
                name=row.name or None,
            )
        )
    themed = {int(i) for theme in found for i in theme.item_ids}
    return themes.ThemeRun(themes=tuple(found), unthemed=tuple(sorted(i for i in valid - themed)))


def _store_themes(exchange_id: int, run: themes.ThemeRun, computed_by: ThemeRun | None) -> None:
    """Write ``run`` as the exchange's themes (call under the exchange's lock): a theme keeps
    its row (id, kind) by key; themes left empty are retired; memberships are replaced."""
    now = timezone.now()
    rows = {row.key: row for row in Theme.objects.filter(exchange_id=exchange_id)}
    live = [theme for theme in run.themes if theme.item_ids]
    kept: dict[str, Theme] = {}
    for theme in live:
        values: dict[str, Any] = {
            "name": theme.name or "",
            "language": theme.language,
            "top_terms": list(theme.top_terms),
            "quotes": [[q.item_id, q.text, q.language] for q in theme.quotes],
            "active": True,
            "updated_at": now,
        }
        if computed_by is not None:
            values["run"] = computed_by
        row = rows.get(theme.key)
        if row is None:
            row = Theme.objects.create(exchange_id=exchange_id, key=theme.key, **values)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))
        kept[theme.key] = row
    Theme.objects.filter(exchange_id=exchange_id, active=True).exclude(key__in=kept).update(
        active=False, updated_at=now
    )
    ThemeMember.objects.filter(theme__exchange_id=exchange_id).delete()
    ThemeMember.objects.bulk_create(
        ThemeMember(theme=kept[theme.key], idea_id=int(item_id))
        for theme in live
        for item_id in theme.item_ids
    )


def do_compute_themes(*, run_id: int) -> bool:
    """Claim the pending theme run, find the themes of the exchange's approved ideas, match them
    to the stored themes (keys, staff names and kinds carry over) and store them. Returns
    whether this call did the work."""
    if not _claim(ThemeRun, run_id):
        return False
    run = ThemeRun.objects.get(pk=run_id)
    try:
        items = theme_items(run.exchange_id)
        found = themes.find_themes(items)
        with transaction.atomic():
            # Under the exchange's lock: a staff edit made while the run computed is matched.
            IdeaExchange.objects.select_for_update().get(pk=run.exchange_id)
            previous = stored_themes(run.exchange_id, [int(item.id) for item in items])
            matched = themes.match_themes(found.themes, previous)
            _store_themes(run.exchange_id, replace(found, themes=tuple(matched)), run)
            ThemeRun.objects.filter(pk=run_id, status=ThemeRun.Status.RUNNING).update(
                status=ThemeRun.Status.DONE,
                items=len(items),
                k_by_space=dict(found.k_by_space),
                computed_at=timezone.now(),
            )
    except Exception as exc:
        _fail(ThemeRun, run_id, exc)
        return False
    return True


def _edit(exchange: IdeaExchange, change: Any) -> None:
    """Apply ``change(run, items)`` to the stored themes under the exchange's lock."""
    items = theme_items(exchange.pk)
    with transaction.atomic():
        IdeaExchange.objects.select_for_update().get(pk=exchange.pk)
        current = stored_themes(exchange.pk, [int(item.id) for item in items])
        try:
            edited = change(current, items)
        except (KeyError, ValueError) as exc:
            raise InputError({"theme": str(exc)}) from exc
        _store_themes(exchange.pk, edited, None)


def _theme_of(exchange: IdeaExchange, theme_id: int) -> Theme:
    theme = Theme.objects.filter(exchange=exchange, pk=theme_id, active=True).first()
    if theme is None:
        raise InputError({"theme": "Choose a theme of this exchange."})
    return theme


def do_rename_theme(*, by: Staff, theme: Theme, name: str) -> None:
    """Give the theme a name (an empty name goes back to its top terms)."""
    if len(name.strip()) > 200:
        raise InputError({"name": "Keep the name under 200 characters."})
    _edit(theme.exchange, lambda run, items: themes.rename_theme(run, theme.key, name))


def do_merge_themes(*, by: Staff, theme: Theme, other_id: int) -> None:
    """``other``'s ideas join ``theme``, which keeps its id, name and kind."""
    other = _theme_of(theme.exchange, other_id)
    _edit(
        theme.exchange,
        lambda run, items: themes.merge_themes(run, theme.key, other.key, items=items),
    )


def do_split_theme(*, by: Staff, theme: Theme) -> None:
    """Split the theme in two by its own words; the larger part keeps its id, name and kind."""
    _edit(theme.exchange, lambda run, items: themes.split_theme(run, theme.key, items=items))


def do_move_idea(*, by: Staff, idea: Idea, theme: Theme) -> None:
    """Move an approved idea of the theme's exchange into the theme."""
    if idea.exchange_id != theme.exchange_id or idea.status != Idea.Status.APPROVED:
        raise InputError({"idea": "Choose an approved idea of this exchange."})
    _edit(theme.exchange, lambda run, items: themes.move_item(run, idea.pk, theme.key, items=items))


def do_sort_theme(*, by: Staff, theme: Theme, kind: str) -> Theme:
    """Say whether the theme is a strength or a need of the school (or not sorted yet)."""
    if kind not in Theme.Kind.values:
        raise InputError({"kind": "Choose strength, need or not sorted."})
    with transaction.atomic():
        locked = Theme.objects.select_for_update().get(pk=theme.pk)
        locked.kind = kind
        locked.updated_at = timezone.now()
        locked.save(update_fields=["kind", "updated_at"])
    return locked


# --- Opinion groups: what the pages show ------------------------------------------------------


@dataclass(frozen=True)
class ShownIdea:
    idea: Idea
    shown: Shown  # in the reader's language (English for staff)
    direction: str = ""  # "agree" / "disagree" for a group's representative idea


@dataclass(frozen=True)
class ShownGroup:
    label: str
    name: str  # "Group A", in the reader's language
    size: int | None  # None: suppressed
    reason: str  # "", "small" or "complementary"
    representative: list[ShownIdea]


@dataclass(frozen=True)
class OpinionView:
    computed_at: datetime | None
    chart: charts.Chart | None
    groups: list[ShownGroup]
    mapped: int | None  # participants on the map (None: suppressed)
    consensus: list[ShownIdea]


def group_name(label: str) -> str:
    return _("Group %(label)s") % {"label": label}


def opinion_map(
    *,
    key: str,
    points: Sequence[tuple[float, float, str]],
    groups: Sequence[str],
    title: str,
    description: str,
    legend_title: str,
) -> charts.Chart:
    """A Vega-Lite scatter of participants (x, y, group name), coloured and shaped by group
    (the Okabe-Ito palette and a second cue). The axes of a projection mean nothing to a
    reader: they are not drawn. Points carry no participant id."""
    palette = [charts.PALETTE[i % len(charts.PALETTE)] for i in range(len(groups))]
    shapes = [SHAPES[i % len(SHAPES)] for i in range(len(groups))]
    legend = {"title": legend_title, "orient": "bottom"}
    spec: dict[str, Any] = {
        "$schema": charts.SCHEMA,
        "description": description,
        "usermeta": {"chart": key},
        "title": {"text": title},
        # The page's width (a phone is narrower than charts.WIDTH); the map is only drawn in
        # pages, never printed, so no fixed width is needed.
        "width": "container",
        "height": 320,
        "autosize": {"type": "fit", "contains": "padding"},
        "config": {
            "font": charts.FONT,
            "background": "#ffffff",
            "view": {"stroke": charts.RULE},
            "title": {"anchor": "start", "fontSize": 16, "color": charts.INK},
            "legend": {"labelFontSize": 12, "labelColor": charts.INK, "symbolSize": 120},
        },
        "data": {"values": [{"x": x, "y": y, "group": group} for x, y, group in points]},
        "mark": {"type": "point", "filled": True, "size": 80, "opacity": 0.85},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "axis": None, "scale": {"zero": False}},
            "y": {"field": "y", "type": "quantitative", "axis": None, "scale": {"zero": False}},
            "color": {
                "field": "group",
                "type": "nominal",
                "scale": {"domain": list(groups), "range": palette},
                "legend": legend,
            },
            "shape": {
                "field": "group",
                "type": "nominal",
                "scale": {"domain": list(groups), "range": shapes},
                "legend": legend,
            },
        },
    }
    return charts.Chart(key=key, title=title, description=description, spec=spec)


def _geometric(consensus: float, groups: int) -> float:
    return consensus ** (1 / groups) if groups else 0.0


def opinion_view(exchange: IdeaExchange, language: str) -> OpinionView | None:
    """The newest opinion groups of the exchange for a reader of ``language`` (call under
    ``translation.override`` of the page's language: the chart's words are written here).

    Groups under 5 participants (and, when that alone would let a reader subtract it, the next
    smallest: ``suppress_line``) show no size, no representative ideas and no points on the
    map. Ideas are shown in ``language`` with their original."""
    run = latest_opinion_run(exchange.pk)
    if run is None:
        return None
    result = opinion.OpinionResult.from_dict(run.result)
    line = suppress_line({group.group: group.size for group in result.groups}, total_shown=True)
    shown_groups = [g for g in result.groups if not line.cells[g.group].suppressed]
    wanted: set[int] = set()
    for group in shown_groups:
        wanted |= {int(rep.statement_id) for rep in group.representative[:REPRESENTATIVE_SHOWN]}
    common = [
        item
        for item in result.consensus
        if _geometric(item.agree, len(result.groups)) >= CONSENSUS_FLOOR
    ][: CONSENSUS_SHOWN * 2]
    wanted |= {int(item.statement_id) for item in common}
    ideas = {
        idea.pk: idea
        for idea in Idea.objects.filter(
            exchange=exchange, pk__in=wanted, status=Idea.Status.APPROVED
        )
    }
    shown = do_render_ideas(
        ideas=list(ideas.values()), language=language, district_id=exchange.district_id
    )
    groups = []
    for group in result.groups:
        cell = line.cells[group.group]
        representative: list[ShownIdea] = []
        if not cell.suppressed:
            for rep in group.representative:
                idea = ideas.get(int(rep.statement_id))
                if idea is not None and len(representative) < REPRESENTATIVE_SHOWN:
                    representative.append(ShownIdea(idea, shown[idea.pk], rep.direction))
        groups.append(
            ShownGroup(
                label=group.label,
                name=group_name(group.label),
                size=cell.value,
                reason=cell.reason,
                representative=representative,
            )
        )
    consensus = [
        ShownIdea(ideas[int(item.statement_id)], shown[int(item.statement_id)])
        for item in common
        if int(item.statement_id) in ideas
    ][:CONSENSUS_SHOWN]
    names = {g.group: group_name(g.label) for g in shown_groups}
    points = [
        (round(p.x, 3), round(p.y, 3), names[p.group])
        for p in result.participants
        if p.group in names
    ]
    chart = None
    if points:
        chart = opinion_map(
            key=f"opinion-map-{exchange.pk}",
            points=points,
            groups=[names[g.group] for g in shown_groups],
            title=_("How opinions group"),
            description=_(
                "Each dot is one person who reacted to enough ideas. People who reacted alike "
                "are close together and share a colour and a shape."
            ),
            legend_title=_("Group"),
        )
    return OpinionView(
        computed_at=run.computed_at,
        chart=chart,
        groups=groups,
        mapped=line.total.value,
        consensus=consensus,
    )


def opinion_status(exchange: IdeaExchange) -> str:
    """The state of the newest run: "pending", "running", "failed", "done" or ""."""
    newest = OpinionRun.objects.filter(exchange=exchange).order_by("-requested_at", "-pk").first()
    return newest.status if newest is not None else ""


def family_opinion_view(exchange: IdeaExchange, language: str) -> OpinionView | None:
    """:func:`opinion_view` with the chart's words in the family page's language."""
    from juntos.portal.language import page_language

    with translation.override(page_language(language)):
        return opinion_view(exchange, language)


# --- Themes: what the pages show --------------------------------------------------------------


@dataclass(frozen=True)
class ShownTheme:
    theme: Theme
    size: int | None  # None: fewer than 5 (suppressed)
    quotes: list[ShownIdea]
    ideas: list[ShownIdea]  # every idea of the theme (staff theme page only)


def themes_view(
    exchange: IdeaExchange, *, with_ideas: bool, language: str = PIVOT_LANGUAGE
) -> list[ShownTheme]:
    """The exchange's active themes, largest first, with their quotes (original and English).
    With ``with_ideas`` (the staff theme page) sizes are shown as they are and every idea is
    listed; otherwise (reports) a theme of fewer than 5 ideas shows neither size nor quotes."""
    rows = list(
        Theme.objects.filter(exchange=exchange, active=True).annotate(size=Count("members"))
    )
    members: dict[int, list[int]] = {}
    if with_ideas:
        for theme_id, idea_id in ThemeMember.objects.filter(theme__in=rows).values_list(
            "theme_id", "idea_id"
        ):
            members.setdefault(theme_id, []).append(idea_id)
    wanted = {int(q[0]) for row in rows for q in row.quotes} | {
        i for ids in members.values() for i in ids
    }
    ideas = {
        idea.pk: idea
        for idea in Idea.objects.filter(
            exchange=exchange, pk__in=wanted, status=Idea.Status.APPROVED
        )
    }
    shown = do_render_ideas(
        ideas=list(ideas.values()), language=language, district_id=exchange.district_id
    )
    result = []
    for row in sorted(rows, key=lambda r: (-int(getattr(r, "size", 0)), r.pk)):
        size = int(getattr(row, "size", 0))
        small = not with_ideas and 0 < size < MINIMUM
        quotes = [
            ShownIdea(ideas[int(q[0])], shown[int(q[0])])
            for q in row.quotes
            if int(q[0]) in ideas and not small
        ]
        listed = [
            ShownIdea(ideas[i], shown[i]) for i in sorted(members.get(row.pk, [])) if i in ideas
        ]
        result.append(ShownTheme(row, None if small else size, quotes, listed))
    return result


def unthemed_ideas(exchange: IdeaExchange) -> list[Idea]:
    """Approved ideas in no theme (new since the last run, or left out by it)."""
    return list(
        Idea.objects.filter(exchange=exchange, status=Idea.Status.APPROVED)
        .filter(theme_member__isnull=True)
        .order_by("pk")
    )


def theme_status(exchange: IdeaExchange) -> str:
    newest = ThemeRun.objects.filter(exchange=exchange).order_by("-requested_at", "-pk").first()
    return newest.status if newest is not None else ""


@dataclass(frozen=True)
class ReportSection:
    kind: str
    title: str
    themes: list[tuple[IdeaExchange, ShownTheme]]


def strengths_and_needs(exchanges: Sequence[IdeaExchange]) -> list[ReportSection]:
    """The themes of the exchanges, by the kind staff gave them: strengths, needs, then those
    not sorted yet. Sizes under 5 are suppressed (and their quotes left out)."""
    titles = {
        Theme.Kind.STRENGTH: _("Strengths"),
        Theme.Kind.NEED: _("Needs"),
        Theme.Kind.UNSORTED: _("Not sorted yet"),
    }
    found: dict[str, list[tuple[IdeaExchange, ShownTheme]]] = {kind: [] for kind in titles}
    for exchange in exchanges:
        for shown in themes_view(exchange, with_ideas=False):
            found[shown.theme.kind].append((exchange, shown))
    return [ReportSection(str(kind), str(title), found[kind]) for kind, title in titles.items()]


def access_theme(user: Any, theme_id: int) -> Theme:
    """An active theme of an exchange the reader may see (404 otherwise)."""
    from juntos.listening.queries import exchanges_for

    theme = (
        Theme.objects.filter(pk=theme_id, active=True, exchange__in=exchanges_for(user))
        .select_related("exchange")
        .first()
    )
    if theme is None:
        raise Http404("no such theme")
    return theme
