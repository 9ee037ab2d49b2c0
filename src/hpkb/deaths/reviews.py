"""Reviewers' decisions on alerts (deaths/reviews.yml): an alert marked `linked` or
`not linked`, with why, is not raised again; the decision is shown instead.

    cluster-3f9a0c12de:
      reviewed: not linked
      why: Four natural deaths of residents in their nineties; reviewed with the GP.
      by: Major crime review team
      on: 2026-03-14
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hpkb.check.findings import Diagnostic, error
from hpkb.content.files import read_text
from hpkb.content.strict_yaml import parse_yaml
from hpkb.deaths.columns import REVIEWS_FILE

__all__ = ["DECISIONS", "Review", "load_reviews"]

DECISIONS = ("linked", "not linked")
_ID = re.compile(r"(cluster|person|place|spike)-[0-9a-f]{10}")
_FIELDS = ("reviewed", "why", "by", "on")


@dataclass(frozen=True)
class Review:
    """One reviewer's decision on one alert."""

    alert: str
    decision: str
    why: str
    by: str | None
    on: date | None
    line: int


def _review(alert: str, raw: object, line: int, column: int
            ) -> tuple[Review | None, list[Diagnostic]]:
    def problem(message: str, hint: str) -> tuple[None, list[Diagnostic]]:
        return None, [error(REVIEWS_FILE, line, column, "HP1014", message, hint)]

    if not _ID.fullmatch(alert):
        return problem(f"`{alert}` is not an alert id", "copy the id shown with the alert "
                       "(e.g. cluster-3f9a0c12de)")
    if not isinstance(raw, dict):
        return problem(f"the review of {alert} must be a mapping",
                       "write `reviewed:` and `why:` under the alert's id")
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        return problem(f"unknown field `{unknown[0]}` in the review of {alert}",
                       "a review has: " + ", ".join(_FIELDS))
    decision, why = raw.get("reviewed"), raw.get("why")
    if decision not in DECISIONS:
        return problem(f"`reviewed` of {alert} must be `linked` or `not linked`",
                       "write `reviewed: linked` or `reviewed: not linked`")
    if not isinstance(why, str) or not why.strip():
        return problem(f"the review of {alert} does not say why",
                       "add `why:` with the reason, so the next reader knows it")
    on, by = raw.get("on"), raw.get("by")
    if on is not None and not isinstance(on, date):
        return problem(f"`on` of {alert} is not a date", "write the day as YYYY-MM-DD")
    if by is not None and not isinstance(by, str):
        return problem(f"`by` of {alert} is not text", "name the team or role that reviewed it")
    return Review(alert, str(decision), " ".join(why.split()), by, on, line), []


def load_reviews(root: Path) -> tuple[dict[str, Review], list[Diagnostic]]:
    """Every review in deaths/reviews.yml (none when there is no such file)."""
    path = root / REVIEWS_FILE
    if not path.exists() and not path.is_symlink():
        return {}, []
    text = read_text(path, REVIEWS_FILE)
    if isinstance(text, Diagnostic):
        return {}, [text]
    parsed = parse_yaml(text, REVIEWS_FILE)
    if isinstance(parsed, Diagnostic):
        return {}, [parsed]
    if parsed.value is None:
        return {}, []
    if not isinstance(parsed.value, dict):
        return {}, [error(REVIEWS_FILE, 1, 1, "HP1014", "reviews.yml must be a mapping of "
                          "alert ids to reviews", "start each review with the alert's id "
                          "and a colon")]
    reviews: dict[str, Review] = {}
    findings: list[Diagnostic] = []
    for alert, raw in parsed.value.items():
        line, column = parsed.positions.get((alert,), (1, 1))
        review, problems = _review(str(alert), raw, line, column)
        findings += problems
        if review is not None:
            reviews[review.alert] = review
    return reviews, findings
