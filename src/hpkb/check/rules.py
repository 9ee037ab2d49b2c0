"""Rules within one entry: ids and folders, dates in order, actions, sections, summary."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from hpkb.check.findings import Diagnostic, error, warning
from hpkb.content.body import section_titles
from hpkb.content.model import Source
from hpkb.content.schema import REQUIRED_SECTIONS, ActionMeta, DebriefMeta
from hpkb.governance.figures import raised_date

__all__ = ["action_findings", "action_raised", "entry_findings"]

_SENTENCE_END = re.compile(r"[.!?](?:[\"')\]]*)(?:\s+|$)")
MAX_SUMMARY_SENTENCES = 3


def _at(source: Source, path: tuple[str | int, ...], code: str, message: str, hint: str,
        *, warn: bool = False) -> Diagnostic:
    line, column = source.where(path)
    make = warning if warn else error
    return make(source.path, line, column, code, message, hint)


def action_raised(meta: Any, action: ActionMeta) -> date:
    """When an action was raised: its own date, else the debrief meeting, else created."""
    meeting = meta.process.meeting if isinstance(meta, DebriefMeta) else None
    return raised_date(action.raised, meeting, meta.created)


def _identity(source: Source, meta: Any) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    stem = PurePosixPath(source.path).stem
    if meta.id != stem:
        findings.append(_at(source, ("id",), "HP201",
                            f"id `{meta.id}` does not match the file name `{stem}.md`",
                            f"rename the file to {meta.id}.md or set `id: {stem}`"))
    return findings


def _common(source: Source, meta: Any, today: date) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    if meta.updated < meta.created:
        findings.append(_at(source, ("updated",), "HP206",
                            f"`updated` {meta.updated} is before `created` {meta.created}",
                            "set `updated` to the date of the last change"))
    if meta.audience == "public" and meta.cleared is None:
        findings.append(_at(source, ("audience",), "HP207",
                            "a public entry needs a release decision",
                            "add `cleared: {by: ROLE, on: YYYY-MM-DD}`, or make the audience "
                            "shared or internal"))
    if meta.audience == "shared" and meta.status == "published" and meta.cleared is None:
        findings.append(_at(source, ("audience",), "HP215",
                            "a shared entry has no recorded release decision",
                            "when its release beyond the force is agreed, record who "
                            "agreed it and when: `cleared: {by: ROLE, on: YYYY-MM-DD}`",
                            warn=True))
    sentences = len(_SENTENCE_END.findall(meta.summary.strip())) or 1
    if sentences > MAX_SUMMARY_SENTENCES:
        findings.append(_at(source, ("summary",), "HP109",
                            f"summary has {sentences} sentences; the limit is "
                            f"{MAX_SUMMARY_SENTENCES}",
                            "keep the summary to one to three sentences; move detail to the body"))
    if meta.review_by is not None and meta.review_by < today:
        findings.append(_at(source, ("review_by",), "HP212",
                            f"entry was due for review on {meta.review_by}",
                            "review it, then set `review_by` to the next review date and "
                            "`updated` to today", warn=True))
    return findings


def _sections(source: Source) -> list[Diagnostic]:
    present = {t.casefold() for t in section_titles(source.body)}
    missing = [s for s in REQUIRED_SECTIONS[source.kind] if s.casefold() not in present]
    if not missing:
        return []
    return [error(source.path, source.body_line, 1, "HP208",
                  f"missing section `## {title}`",
                  f"add a line `## {title}` and the text under it")
            for title in missing]


def _process(source: Source, meta: DebriefMeta) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    incident = meta.incident.date
    process = meta.process
    steps: list[tuple[str, date | None, str, date | None]] = [
        ("identified", process.identified, "incident.date", incident),
        ("initial_review", process.initial_review, "process.identified", process.identified),
        ("meeting", process.meeting, "incident.date", incident),
        ("report", process.report, "process.meeting", process.meeting),
    ]
    for name, when, before_name, before in steps:
        if when is not None and before is not None and when < before:
            findings.append(_at(source, ("process", name), "HP210",
                                f"`process.{name}` {when} is before `{before_name}` {before}",
                                "check both dates; the debrief steps follow the incident"))
    return findings


def _actions(source: Source, meta: Any, actions: Sequence[ActionMeta]) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    seen: set[str] = set()
    for index, action in enumerate(actions):
        here = ("actions", index)
        if action.id in seen:
            findings.append(_at(source, (*here, "id"), "HP211",
                                f"action id {action.id} is used twice in this entry",
                                "number the actions A01, A02, … without repeats"))
        seen.add(action.id)
        if action.status == "completed" and action.completed is None:
            findings.append(_at(source, (*here, "status"), "HP203",
                                f"action {action.id} is completed but has no completion date",
                                "add `completed: YYYY-MM-DD` to the action"))
        if action.status != "completed" and action.completed is not None:
            findings.append(_at(source, (*here, "completed"), "HP204",
                                f"action {action.id} has a completion date but is "
                                f"{action.status}",
                                "set `status: completed`, or remove `completed`"))
        if action.status in ("completed", "dropped") and action.outcome is None:
            findings.append(_at(source, (*here, "status"), "HP205",
                                f"action {action.id} is {action.status} but has no outcome",
                                "add `outcome:` saying what was done or why it was dropped"))
        raised = action_raised(meta, action)
        if action.due < raised:
            findings.append(_at(source, (*here, "due"), "HP214",
                                f"action {action.id} is due {action.due}, before it was raised "
                                f"({raised})", "check the due and raised dates"))
        if action.completed is not None and action.completed < raised:
            findings.append(_at(source, (*here, "completed"), "HP213",
                                f"action {action.id} was completed {action.completed}, before "
                                f"it was raised ({raised})", "check the completion date"))
    return findings


def action_findings(source: Source, meta: Any, actions: Sequence[ActionMeta]
                    ) -> list[Diagnostic]:
    """The action rules (ids, completion, outcome, dates) for any file that holds actions:
    entries and recommendation responses (``meta.created`` dates an action with no other)."""
    return _actions(source, meta, actions)


def _incident_record(source: Source, meta: DebriefMeta) -> list[Diagnostic]:
    """The primary factor is one of the factors; a missed opportunity's answering actions
    are this debrief's."""
    findings: list[Diagnostic] = []
    primary = meta.incident.primary_factor
    if primary is not None and primary not in meta.incident.factors:
        findings.append(_at(source, ("incident", "primary_factor"), "HP217",
                            f"primary factor `{primary}` is not among the factors",
                            f"add `{primary}` to `incident.factors`"))
    known = [a.id for a in meta.actions]
    for index, item in enumerate(meta.chronology):
        missed = item.missed_opportunity
        for number, action_id in enumerate(missed.actions if missed else []):
            if action_id not in known:
                findings.append(_at(
                    source, ("chronology", index, "missed_opportunity", "actions", number),
                    "HP216", f"missed opportunity of {item.date} names action {action_id}, "
                    "which this debrief does not have",
                    "name one of its actions (" + (", ".join(known) or "it has none")
                    + "), or add the action"))
    return findings


def entry_findings(source: Source, meta: Any, today: date) -> list[Diagnostic]:
    """Every rule that needs only this entry (its typed front matter and its body)."""
    findings = _identity(source, meta) + _common(source, meta, today) + _sections(source)
    if isinstance(meta, DebriefMeta):
        findings += _process(source, meta) + _incident_record(source, meta)
    findings += _actions(source, meta, getattr(meta, "actions", []))
    return findings
