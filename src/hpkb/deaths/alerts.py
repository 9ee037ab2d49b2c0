"""Alerts of deaths that may be linked: what each holds, its stable id, and how alerts
are told apart and ranked. An alert is a prompt for a human review, never a finding."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hpkb.deaths.death import Death

__all__ = ["KINDS", "Alert", "alert_id", "ranked", "span_text"]

KINDS = {"cluster": "Deaths close in place and time that share something rare",
         "person": "A person named at more deaths than is usual",
         "place": "More deaths at one place than its own history predicts",
         "spike": "A count well above its own history"}


def alert_id(kind: str, members: Sequence[Death]) -> str:
    """The alert's id: its kind and a digest of its members' refs (sorted), so the same
    deaths raise the same id in every run, and a new member makes a new alert."""
    refs = sorted(f"{r.source}:{r.ref}" for d in members for r in d.records)
    return f"{kind}-{hashlib.sha256(chr(10).join(refs).encode()).hexdigest()[:10]}"


@dataclass(frozen=True)
class Alert:
    """Deaths that may be linked: which, how strongly (score: -log10 of the chance of
    anything so unusual among all that was looked at, see `stats.surprise`), and why."""

    kind: str
    score: float
    members: tuple[Death, ...]
    reasons: tuple[str, ...]
    p: float

    @property
    def id(self) -> str:
        return alert_id(self.kind, self.members)

    @property
    def refs(self) -> list[str]:
        """Every ref of every member death, the deaths in date order."""
        return [ref for d in sorted(self.members, key=lambda d: (d.when, d.key))
                for ref in d.refs]

    @property
    def because(self) -> str:
        return "; ".join(self.reasons)

    @property
    def first(self) -> date:
        return min(d.when for d in self.members)

    @property
    def last(self) -> date:
        return max(d.when for d in self.members)


def span_text(members: Sequence[Death]) -> str:
    """How long the deaths took: "over 14 months", "over 9 days"."""
    days = (max(d.when for d in members) - min(d.when for d in members)).days
    if days < 60:
        return f"over {days} day{'s' * (days != 1)}"
    months = round(days / 30.44)
    return f"over {months} months" if months < 36 else f"over {days / 365.25:.0f} years"


def ranked(alerts: Sequence[Alert]) -> list[Alert]:
    """Strongest first; of alerts of one kind with the same members, the strongest only."""
    best: dict[str, Alert] = {}
    for alert in alerts:
        if alert.id not in best or alert.score > best[alert.id].score:
            best[alert.id] = alert
    return sorted(best.values(), key=lambda a: (-a.score, a.p, a.kind, a.refs))
