"""Themes, inspection recommendations, organisations and action owners: loading and
lookups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from hpkb.check.findings import Diagnostic, did_you_mean, error
from hpkb.content.conform import conform
from hpkb.content.files import read_text
from hpkb.content.schema import IsoDate, Text, _Strict
from hpkb.content.strict_yaml import parse_yaml

__all__ = ["OWNERS_FILE", "TAXONOMY_DIR", "Organisation", "Owner", "Recommendation", "Taxonomy",
           "Theme", "load_taxonomy", "unknown_owner"]

TAXONOMY_DIR = "content/taxonomy"
OWNERS_FILE = f"{TAXONOMY_DIR}/owners.yml"


class Theme(_Strict):
    """A framework theme or sub-theme."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", examples=["county-lines"])
    title: Text
    description: Text
    parent: str | None = None
    synonyms: list[Text] = Field([])


class Recommendation(_Strict):
    """An inspection recommendation that entries can evidence."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", examples=["hmicfrs-2023-r3"])
    source: Text
    number: int
    text: Text
    due: IsoDate | None = None
    addressed_to: Text | None = None


class Organisation(_Strict):
    """A police force or partner body."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", examples=["essex-police"])
    name: Text
    kind: str = Field(pattern=r"^(force|partner)$")
    region: Text | None = None


class Owner(_Strict):
    """A role or team that can own actions (never a person)."""

    name: Text = Field(description="The owner exactly as actions write it.",
                       examples=["Public Protection Unit"])
    description: Text | None = Field(None, description="What the role or team covers.")


@dataclass(frozen=True)
class Taxonomy:
    """The vocabularies, keyed by id (owners by name)."""

    themes: dict[str, Theme] = field(default_factory=dict)
    recommendations: dict[str, Recommendation] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    # None when the repository has no owners.yml: then any owner text is accepted.
    owners: dict[str, Owner] | None = None

    def theme_with_ancestors(self, theme_id: str) -> list[str]:
        """The theme and every parent above it (a sub-theme implies its parent)."""
        chain: list[str] = []
        current: str | None = theme_id
        while current is not None and current in self.themes and current not in chain:
            chain.append(current)
            current = self.themes[current].parent
        return chain

    def expand_themes(self, theme_ids: Iterable[str]) -> list[str]:
        out: list[str] = []
        for theme_id in theme_ids:
            for found in self.theme_with_ancestors(theme_id):
                if found not in out:
                    out.append(found)
        return out

    def children(self, theme_id: str) -> list[str]:
        return [t.id for t in self.themes.values() if t.parent == theme_id]

    def region_of(self, organisation_id: str) -> str | None:
        org = self.organisations.get(organisation_id)
        return org.region if org else None


def unknown_term(kind: str, value: str, known: Iterable[str]) -> tuple[str, str]:
    """Message and hint for a value not in a vocabulary."""
    return (f"unknown {kind} `{value}`",
            did_you_mean(value, known, f"add it to {TAXONOMY_DIR}/ or use a known {kind}"))


def unknown_owner(owner: str, owners: Iterable[str]) -> tuple[str, str]:
    """Message and hint for an action owner that is not in owners.yml."""
    return (f"owner `{owner}` is not in {OWNERS_FILE}",
            did_you_mean(owner, owners, f"use an owner from {OWNERS_FILE}, or add this role "
                         "or team to it (owners are roles or teams, never a person)"))


def _load_list(root: Path, name: str, model: type[BaseModel],
               findings: list[Diagnostic], key: str = "id"
               ) -> list[tuple[BaseModel, tuple[int, int]]]:
    """The items of one taxonomy file with their places. ``key``: the field each item is
    known by (each value once in the file)."""
    rel = f"{TAXONOMY_DIR}/{name}"
    path = root / rel
    if not path.exists() and not path.is_symlink():
        findings.append(error(rel, 1, 1, "HP501", f"missing taxonomy file {rel}",
                              "run `hpkb init` in an empty folder to see the expected files"))
        return []
    text = read_text(path, rel)
    if isinstance(text, Diagnostic):
        findings.append(text)
        return []
    parsed = parse_yaml(text, rel)
    if isinstance(parsed, Diagnostic):
        findings.append(parsed)
        return []
    if not isinstance(parsed.value, list):
        findings.append(error(rel, 1, 1, "HP502", f"{rel} must be a list of items",
                              f"start each item with `- {key}: …`"))
        return []
    items: list[tuple[BaseModel, tuple[int, int]]] = []
    seen: set[str] = set()
    for index, raw in enumerate(parsed.value):
        positions = {k[1:]: v for k, v in parsed.positions.items() if k[:1] == (index,)}
        item, problems = conform(model, raw, rel, positions)
        findings.extend(problems)
        if item is None:
            continue
        item_id = str(getattr(item, key))
        line, column = parsed.positions.get((index,), (1, 1))
        if item_id in seen:
            findings.append(error(rel, line, column, "HP503", f"duplicate {key} `{item_id}`",
                                  f"each {key} may appear once in the file"))
            continue
        seen.add(item_id)
        items.append((item, (line, column)))
    return items


def load_taxonomy(root: Path) -> tuple[Taxonomy, list[Diagnostic]]:
    """Read the three taxonomy files, and owners.yml when there is one; every problem
    becomes a finding."""
    findings: list[Diagnostic] = []
    placed_themes = [(t, at) for t, at in _load_list(root, "themes.yml", Theme, findings)
                     if isinstance(t, Theme)]
    themes = [t for t, _ in placed_themes]
    recs = [r for r, _ in _load_list(root, "recommendations.yml", Recommendation, findings)
            if isinstance(r, Recommendation)]
    orgs = [o for o, _ in _load_list(root, "organisations.yml", Organisation, findings)
            if isinstance(o, Organisation)]
    owners: dict[str, Owner] | None = None
    if (root / OWNERS_FILE).exists() or (root / OWNERS_FILE).is_symlink():
        owners = {o.name: o for o, _ in _load_list(root, "owners.yml", Owner, findings,
                                                   key="name") if isinstance(o, Owner)}
    taxonomy = Taxonomy({t.id: t for t in themes}, {r.id: r for r in recs},
                        {o.id: o for o in orgs}, owners)
    rel = f"{TAXONOMY_DIR}/themes.yml"
    for theme, (line, column) in placed_themes:
        if theme.parent is not None and theme.parent not in taxonomy.themes:
            message, hint = unknown_term("parent theme", theme.parent, taxonomy.themes)
            findings.append(error(rel, line, column, "HP504",
                                  f"theme `{theme.id}`: {message}", hint))
    return taxonomy, findings
