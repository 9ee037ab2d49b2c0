"""The generated docs tree: every Markdown page of one profile's site, from its view only.

Pure: returns {docs-relative path: Markdown text}. Templates live in templates/site/ (a
content repo's templates/site/ overrides them file by file); every value they print is
escaped unless hpkb built it (see outputs/site/markdown_text.py).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from hpkb.content.body import REFERENCE, is_entry_id
from hpkb.content.model import EntryKind
from hpkb.governance.figures import debrief_timeliness, is_overdue
from hpkb.outputs.site.guide import guide_sections
from hpkb.outputs.site.markdown_text import (
    Md,
    escape_md,
    html_link,
    page_link,
    relative_url,
    yaml_string,
)
from hpkb.outputs.site.templates import sandboxed_environment, template_loader
from hpkb.outputs.wording import plural
from hpkb.view.gate import ProfileView, PublishedEntry
from hpkb.view.links import Links

__all__ = ["KIND_PAGES", "RATING_ORDER", "PageKeys", "SitePages", "entry_page", "page_keys",
           "site_nav", "site_pages"]

KIND_PAGES: dict[EntryKind, str] = {"debrief": "debriefs", "learning": "learning",
                                    "practice": "practice"}
KIND_TITLES: dict[EntryKind, str] = {"debrief": "Rapid debriefs", "learning": "Learning",
                                     "practice": "Shared practice"}
KIND_SINGULAR: dict[EntryKind, str] = {"debrief": "Rapid debrief", "learning": "Learning",
                                       "practice": "Shared practice"}
LABELS = {
    "worked": "Worked", "promising": "Promising", "untested": "Untested (new or innovative)",
    "did-not-work": "Did not work", "evaluated-locally": "Evaluated locally",
    "independently-evaluated": "Independently evaluated", "in-progress": "In progress",
    "near-miss": "Near miss", "children-and-young-people": "Children and young people",
    "general-public": "General public", "hmicfrs-promising-practice": "HMICFRS promising practice",
    "smarter-practice": "Smarter practice", "tilley-award": "Tilley award",
    "funded-local-innovation": "Funded local innovation",
    "non-fatal-strangulation": "Non-fatal strangulation",
    "honour-based-abuse": "Honour-based abuse",
    "suspect-suicide-risk": "Suicide risk of the suspect", "weapon-knife": "Knife",
    "weapon-firearm": "Firearm", "partly-accepted": "Partly accepted",
    "not-accepted": "Not accepted", "not-recorded": "Not recorded",
}


RATING_ORDER = ("worked", "promising", "untested", "did-not-work")  # best evidence first


def listed_entries(profile_view: ProfileView) -> list[PublishedEntry]:
    """The entries listings show: all the view's but archived ones (their pages stay)."""
    return [e for e in profile_view.entries if e.meta["status"] != "archived"]


def site_nav(profile_view: ProfileView, pages: Iterable[str]) -> list[dict[str, str]]:
    """The sidebar: only what this site has. A kind's listing shows when the profile has
    entries of it, recommendations when an entry or response cites one, the action tracker
    and review list on a personal profile with actions or review dates. Pages reached from
    other pages (practice by rating, entries by region, tags, a section's sub-pages) stay
    out of it. ``pages`` are the extra pages' names (content/pages and sections), in order."""
    listed = listed_entries(profile_view)
    kinds = {e.kind for e in listed}
    nav = [{"Home": "index.md"}]
    nav += [{KIND_TITLES[kind]: f"{KIND_PAGES[kind]}/index.md"}
            for kind in ("debrief", "learning") if kind in kinds]
    if "practice" in kinds:
        nav.append({"Practice finder": "finder.md"})
    if listed:
        nav.append({"Themes": "themes/index.md"})
    if profile_view.responses or any(e.meta.get("recommendations") for e in listed):
        nav.append({"Recommendations": "recommendations/index.md"})
    nav += [{"Search": "search.md"}, {"Statistics": "statistics.md"}]
    if profile_view.profile.personal:
        if any(e.meta.get("actions") for e in listed):
            nav.append({"Action tracker": "tracker.md"})
        if any(e.meta.get("review_by") for e in listed):
            nav.append({"Due for review": "review.md"})
    nav += [{name.removesuffix(".md").replace("-", " ").capitalize(): f"pages/{name}"}
            for name in pages]
    nav.append({"Downloads": "downloads.md"})
    if profile_view.profile.personal:
        nav.append({"Authoring guide": "guide.md"})
    return nav


class Fields(dict[str, Any]):
    """Front matter for templates: a field the entry leaves out reads as None, so
    templates can say `meta.owner` whether or not the author wrote one."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return fields(self.get(name))


def fields(value: Any) -> Any:
    if isinstance(value, dict):
        return Fields(value)
    if isinstance(value, list):
        return [fields(item) for item in value]
    return value


def entry_page(entry_id: str, kind: EntryKind) -> str:
    # A global id's force becomes a folder: `practice/essex-police/PR-2023-001.md` (a colon
    # in a relative link would read as a URL scheme).
    return f"{KIND_PAGES[kind]}/{entry_id.replace(':', '/')}.md"


def label(value: Any) -> str:
    text = str(value)
    return LABELS.get(text, text.replace("-", " ").capitalize())


def long_date(value: Any) -> str:
    if not value:
        return ""
    day = date.fromisoformat(str(value))
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class SitePages:
    """The generated docs tree plus the JSON data files the pages use."""

    pages: dict[str, str]
    data: dict[str, Any]


def _site_env(template_dirs: Iterable[Path], template_cache: jinja2.BytecodeCache | None
              ) -> jinja2.Environment:
    """The Jinja environment the site's templates are compiled in (see `_Renderer`):
    sandboxed, since a content repository may override any of them."""
    env = sandboxed_environment(template_loader(template_dirs, "site"), autoescape=False,
                                finalize=escape_md, trim_blocks=True, lstrip_blocks=True,
                                keep_trailing_newline=True, bytecode_cache=template_cache)
    # Filters are part of compiling: a template using one compiles only where it is known.
    # Page meta goes into MkDocs' raw <title> and <meta content="…">: HTML-escape it.
    env.filters.update(label=label, date=long_date,
                       plural=lambda word, n, many=None: plural(int(n), str(word), many),
                       yaml=lambda v: Md(yaml_string(html.escape(str(v), quote=True))),
                       h=lambda v: Md(html.escape(str(v), quote=True)))
    return env


class _Renderer:
    """Holds one profile's view and renders templates against it."""

    def __init__(self, profile_view: ProfileView, links: Links, site_name: str,
                 marking: str, targets: tuple[int, int], template_dirs: Iterable[Path],
                 home_text: str, template_cache: jinja2.BytecodeCache | None = None
                 ) -> None:
        self.view = profile_view
        self.links = links
        self.by_id = {e.id: e for e in profile_view.entries}
        # Archived entries keep their pages (links to them still work) but leave every
        # listing: home, kinds, themes, tags, the finder, recommendations, browse pages.
        self.listed = listed_entries(profile_view)
        self.taxonomy = profile_view.taxonomy
        self.targets = targets
        self.env = _site_env(template_dirs, template_cache)
        self.common = {"site_name": site_name, "marking": marking, "profile": profile_view.name,
                       "today": profile_view.today.isoformat(), "home_text": Md(home_text),
                       "kind_titles": KIND_TITLES, "kind_singular": KIND_SINGULAR,
                       "taxonomy": self.taxonomy}

    # -- helpers the templates call -------------------------------------------------
    def helpers(self, here: str) -> dict[str, Callable[..., Any]]:
        def entry(entry_id: str, text: str | None = None,
                  link: Callable[[str, str, Any], Md] = page_link) -> Md:
            target = self.by_id[entry_id]
            return link(here, entry_page(entry_id, target.kind), text or target.title)

        def theme(theme_id: str, link: Callable[[str, str, Any], Md] = page_link) -> Md:
            found = self.taxonomy.themes.get(theme_id)
            return link(here, f"themes/{theme_id}.md", found.title if found else theme_id)

        def rec(rec_id: str, link: Callable[[str, str, Any], Md] = page_link) -> Md:
            return link(here, f"recommendations/{rec_id}.md", rec_id)

        def url(page: str) -> Md:
            return Md(relative_url(here, page))

        def org(org_id: str) -> str:
            found = self.taxonomy.organisations.get(org_id)
            return found.name if found else org_id

        def body(published: PublishedEntry) -> Md:
            return Md(mark_internal(self.resolve_references(published.body, here),
                                    published.internal))

        # *_html: the same links as HTML, for HTML a template makes whole (raw_blocks).
        return {"entry_link": entry, "entry_html": functools.partial(entry, link=html_link),
                "theme_link": theme, "theme_html": functools.partial(theme, link=html_link),
                "rec_link": rec, "rec_html": functools.partial(rec, link=html_link),
                "url": url, "org_name": org, "body": body, "md": Md}

    def resolve_references(self, text: str, here: str) -> str:
        def replace(match: Any) -> str:
            target, label_text = match.group(1).strip(), match.group(2)
            found = self.by_id.get(target) if is_entry_id(target) else None
            if found is None:  # the view already replaced hidden ones; this is defensive
                return "an internal entry"
            shown = label_text.strip() if label_text else found.title
            return str(page_link(here, entry_page(target, found.kind), shown))
        return REFERENCE.sub(replace, text)

    def render(self, template: str, here: str, **context: Any) -> str:
        values = {**self.common, **self.helpers(here), "here": here, **context}
        return self.env.get_template(template).render(values)

    # -- pages ------------------------------------------------------------------------
    def entry(self, published: PublishedEntry) -> str:
        here = entry_page(published.id, published.kind)
        meta = Fields(published.meta)
        extra: dict[str, Any] = {}
        if published.kind == "debrief":
            extra["process_steps"] = process_steps(published.meta, self.targets)
        actions = [self._action(a) for a in meta.get("actions", [])]
        return self.render("entry.md.j2", here, entry=published, meta=meta, actions=actions,
                           personal=self.view.profile.personal, targets=self.targets,
                           backlinks=self.links.backlinks(published.id),
                           related=self.links.related_to(published.id), **extra)

    def _action(self, action: dict[str, Any]) -> Fields:
        """An action for templates, with its overdue flag as of the view's today."""
        return Fields(action, overdue=is_overdue(action["status"], action["due"],
                                                 self.view.today))

    def theme_pages(self) -> dict[str, str]:
        pages = {}
        for theme in self.taxonomy.themes.values():
            under = {theme.id, *self._descendants(theme.id)}
            entries = [e for e in self.listed if under & set(e.meta["themes"])]
            open_actions = [(e, a) for e in self.view.entries for a in e.meta.get("actions", [])
                            if a.get("theme") in under and a["status"] in ("open",
                                                                            "in-progress")]
            pages[f"themes/{theme.id}.md"] = self.render(
                "theme.md.j2", f"themes/{theme.id}.md", theme=theme,
                children=self.taxonomy.children(theme.id),
                parent=theme.parent, by_kind=_by_kind(entries),
                open_actions=[(e, self._action(a)) for e, a in open_actions])
        pages["themes/index.md"] = self.render("themes.md.j2", "themes/index.md",
                                               counts=self._theme_counts())
        return pages

    def _descendants(self, theme_id: str) -> list[str]:
        out: list[str] = []
        for child in self.taxonomy.children(theme_id):
            out += [child, *self._descendants(child)]
        return out

    def _theme_counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for entry in self.listed:
            for theme_id in self.taxonomy.expand_themes(entry.meta["themes"]):
                counts[theme_id] += 1
        return dict(counts)

    def recommendation_pages(self) -> dict[str, str]:
        pages = {}
        # The force's responses the profile may see (on a shared site: status and date).
        responses = {r.recommendation: Fields(r.meta) for r in self.view.responses}
        for rec in self.taxonomy.recommendations.values():
            evidence = [e for e in self.listed if rec.id in e.meta.get("recommendations",
                                                                             [])]
            pages[f"recommendations/{rec.id}.md"] = self.render(
                "recommendation.md.j2", f"recommendations/{rec.id}.md", rec=rec,
                by_kind=_by_kind(evidence), count=len(evidence),
                response=responses.get(rec.id), personal=self.view.profile.personal)
        counts = {r: sum(1 for e in self.listed if r in e.meta.get("recommendations", []))
                  for r in self.taxonomy.recommendations}
        pages["recommendations/index.md"] = self.render(
            "recommendations.md.j2", "recommendations/index.md", counts=counts,
            responses=responses, personal=self.view.profile.personal)
        return pages

    def browse_pages(self) -> dict[str, str]:
        """Practice by "Does it work?" rating, and every entry by region (across forces
        on a hub)."""
        pages: dict[str, str] = {}
        practice = [e for e in self.listed if e.kind == "practice"]
        groupings = (
            ("ratings", "Practice by rating", "Rating", "Shared practice by its \"Does it "
             "work?\" rating.", practice, lambda e: [str(e.meta["effectiveness"])]),
            ("regions", "Entries by region", "Region", "Entries by the region of the "
             "organisation they come from.", list(self.listed),
             lambda e: [e.region] if e.region else []))
        for folder, title, column, intro, entries, keys in groupings:
            grouped: dict[str, list[PublishedEntry]] = defaultdict(list)
            for entry in entries:
                for key in keys(entry):
                    grouped[key].append(entry)
            groups = []
            for key in sorted(grouped, key=lambda k: (_rating_rank(k), label(k).lower())):
                page = f"{folder}/{key}.md"
                pages[page] = self.render(
                    "browse.md.j2", page, title=f"{column}: {label(key)}",
                    intro=f"{len(grouped[key])} {plural(len(grouped[key]), 'entry')}.",
                    by_kind=_by_kind(grouped[key]))
                groups.append((page, label(key), len(grouped[key])))
            pages[f"{folder}/index.md"] = self.render(
                "browse_index.md.j2", f"{folder}/index.md", title=title, intro=intro,
                column=column, groups=groups)
        return pages

    def listing_pages(self) -> dict[str, str]:
        by_kind = _by_kind(self.listed)
        return {f"{KIND_PAGES[kind]}/index.md": self.render(
            "listing.md.j2", f"{KIND_PAGES[kind]}/index.md", kind=kind,
            entries=newest_first(by_kind.get(kind, [])))
            for kind in KIND_PAGES}

    def tags_page(self) -> str:
        tags: dict[str, list[PublishedEntry]] = defaultdict(list)
        for entry in self.listed:
            for tag in entry.meta.get("tags", []):
                tags[tag].append(entry)
        return self.render("tags.md.j2", "tags.md", tags=dict(sorted(tags.items())))

    def finder(self) -> tuple[str, dict[str, Any]]:
        """The finder page (every practice entry as a card, best evidence first) and its
        data: each entry's facets, the keys it sorts by, and the words its keyword box
        matches (title, summary, organisation, focus, topics and target groups)."""
        practice = best_evidence_first(e for e in self.listed if e.kind == "practice")
        items = []
        for rank, e in enumerate(practice):
            facets = {
                "rating": [e.meta["effectiveness"]], "focus": [e.meta["focus"]],
                "theme": self.taxonomy.expand_themes(e.meta["themes"]),
                "region": [e.region] if e.region else [],
                "organisation": [e.meta["organisation"]], "stage": [e.meta["stage"]],
                "target_group": list(e.meta["target_group"]),
                "force": [e.source] if e.source else [],
            }
            words = [e.title, e.meta["summary"], *e.meta.get("topics", []),
                     *(self._facet_label(facet, value) for facet in
                       ("focus", "organisation", "target_group", "force")
                       for value in facets[facet])]
            items.append({"id": e.id, "facets": facets, "evidence": rank,
                          "updated": e.meta["updated"], "title": e.title,
                          "text": " ".join(words)})
        labels: dict[str, str] = {}
        for item in items:
            for facet, values in item["facets"].items():
                for value in values:
                    labels[f"{facet}:{value}"] = self._facet_label(facet, value)
        return (self.render("finder.md.j2", "finder.md", cards=practice, list_id=None),
                {"items": items, "labels": labels, "orders": {"rating": list(RATING_ORDER)}})

    def _facet_label(self, facet: str, value: str) -> str:
        if facet == "theme" and value in self.taxonomy.themes:
            return self.taxonomy.themes[value].title
        if facet in ("organisation", "force") and value in self.taxonomy.organisations:
            return self.taxonomy.organisations[value].name
        return label(value)

    def statistics(self, population: int | None, small: int) -> tuple[str, dict[str, str]]:
        """The statistics page and its charts (small numbers suppressed unless personal)."""
        from hpkb.governance.report import (
            action_rows,
            actions_by_quarter,
            overdue_by_owner,
            period_report,
            timeliness_by_quarter,
        )
        from hpkb.outputs.site.charts import bar_chart, line_chart

        today = self.view.today
        personal = self.view.profile.personal
        figures = period_report(self.view, start=None, end=None, as_of=today,
                                targets=self.targets, population=population)
        rows = action_rows(self.view, today)
        profile = figures["problem_profile"]
        tables = {
            "by_year": figures["debriefs"]["by_financial_year"],
            "profile": profile,
            "rates": (profile["homicide_rate_per_million_by_financial_year"] or {}
                      if personal else {}),
            "actions": actions_by_quarter(rows),
            "overdue": overdue_by_owner(rows),
            "timeliness": timeliness_by_quarter(self.view, self.targets),
        }

        def drawable(values: Iterable[int]) -> bool:
            return personal or all(v == 0 or v >= small for v in values)

        charts = {}
        by_year = tables["by_year"]
        if by_year and drawable(v for c in by_year.values() for v in c.values()):
            charts["incidents-by-year"] = bar_chart(
                "incidents-by-year", "Homicides and near misses by financial year",
                list(by_year), {"Homicide": [c["homicide"] for c in by_year.values()],
                                "Near miss": [c["near-miss"] for c in by_year.values()]})
        rolling = profile["rolling_12_months"]
        # The line from the first whole twelve months (a shorter window undercounts).
        months = list(rolling)[11:]
        if months and drawable(rolling[m] for m in months):
            lines: dict[str, list[float | None]] = {
                "Incidents in the previous 12 months": [float(rolling[m]) for m in months]}
            longer = profile["rolling_36_months_per_year"]
            if longer:
                lines["Average a year over 36 months"] = [longer.get(m) for m in months]
            charts["rolling"] = line_chart("rolling", "Incidents in the previous 12 months",
                                           months, lines)
        quarters = tables["actions"]
        if quarters and drawable(v for c in quarters.values() for v in c.values()):
            charts["actions"] = bar_chart(
                "actions", "Actions by quarter raised, by status now", list(quarters),
                {label(k): [c[k] for c in quarters.values()]
                 for k in ("completed", "in-progress", "open", "dropped")})
        if tables["overdue"] and drawable(tables["overdue"].values()):
            charts["overdue"] = bar_chart("overdue", "Overdue actions by owner",
                                          list(tables["overdue"]),
                                          {"Overdue": list(tables["overdue"].values())},
                                          horizontal=True)
        missed = figures["missed_opportunities"]
        if personal and missed["count"]:
            charts["missed"] = bar_chart("missed", "Missed opportunities by agency",
                                         list(missed["by_agency"]),
                                         {"Missed opportunities":
                                          list(missed["by_agency"].values())}, horizontal=True)
        timely = tables["timeliness"]
        if timely and drawable(v for c in timely.values() for v in c.values()):
            charts["timeliness"] = bar_chart(
                "timeliness", "Debriefs and timeliness by quarter", list(timely),
                {"Debriefs": [c["debriefs"] for c in timely.values()],
                 "Review within target": [c["review_within"] for c in timely.values()],
                 "Report within target": [c["report_within"] for c in timely.values()]},
                stacked=False)

        def count(value: int) -> str:
            return (f"fewer than {small}" if not personal and 0 < value < small
                    else str(value))

        page = self.render("statistics.md.j2", "statistics.md", figures=figures,
                           tables=tables, charts=charts, count=count, small=small,
                           personal=personal)
        return page, {f"charts/{name}.svg": chart.svg for name, chart in charts.items()}

    def tracker(self) -> str:
        from hpkb.governance.actions import action_rows, tracker_order
        from hpkb.governance.position import running_position

        rows = action_rows(self.view, self.view.today)
        position = running_position(self.view, self.view.today, rows=rows).position
        return self.render("tracker.md.j2", "tracker.md", rows=tracker_order(rows),
                           position=position)

    def responses(self) -> str:
        """The internal register of recommendation responses."""
        from hpkb.governance.actions import action_rows
        from hpkb.governance.registers import response_rows

        by_rec = {r.recommendation: r for r in self.view.responses}
        found = []
        for row in response_rows(self.view, action_rows(self.view, self.view.today)):
            response = by_rec[row.recommendation]
            found.append(Fields(
                dataclasses.asdict(row),
                body=Md(self.resolve_references(response.body, "responses.md")),
                actions=[self._action(a) for a in response.meta.get("actions", [])]))
        return self.render("responses.md.j2", "responses.md", responses=found)

    def review(self) -> str:
        from hpkb.governance.report import stale_entries

        return self.render("review.md.j2", "review.md", stale=stale_entries(self.view))

    def home(self) -> str:
        newest = sorted(self.listed, key=lambda e: (e.meta["updated"], e.id),
                        reverse=True)[:8]
        counts = Counter(e.kind for e in self.listed)
        return self.render("home.md.j2", "index.md", newest=newest, counts=counts,
                           theme_counts=self._theme_counts())


@dataclass(frozen=True)
class ProcessStep:
    """One dated step of a debrief's process, as its page shows it."""

    step: str
    on: str | None  # ISO date; None when not yet done
    day: int | None  # days from the incident (day 0)
    target: int | None  # the step's target in days from the incident, if it has one
    verdict: str | None  # "within", "late" or "missing", for a step with a target


def process_steps(meta: Mapping[str, Any], targets: tuple[int, int]) -> list[ProcessStep]:
    """A debrief's process from the incident (the start of the clock) in date order, each
    step with its days from the incident and, for the initial review and the report, its
    verdict against the target; steps not yet done last, in process order."""
    incident = date.fromisoformat(meta["incident"]["date"])
    process = meta["process"]
    review, report = debrief_timeliness(meta, targets)
    rows = [("Incident", meta["incident"]["date"], None),
            ("Identified", process.get("identified"), None),
            ("Initial review", process.get("initial_review"), review),
            ("Debrief meeting", process.get("meeting"), None),
            ("Learning and actions report", process.get("report"), report)]
    steps = [ProcessStep(step, on, (date.fromisoformat(on) - incident).days if on else None,
                         judged.target_days if judged else None,
                         judged.verdict if judged else None)
             for step, on, judged in rows if on or judged]
    done = sorted((s for s in steps if s.on), key=lambda s: s.on or "")
    return done + [s for s in steps if not s.on]


def mark_internal(body: str, passages: Iterable[tuple[int, int]]) -> str:
    """The body with each internal passage (line ranges of ``body``) in a box labelled
    "Internal only": an admonition, its lines indented under it."""
    lines = body.split("\n")
    for start, end in sorted(passages, reverse=True):
        inside = [f"    {text}" if text.strip() else "" for text in lines[start:end]]
        lines[start:end] = ["", '!!! internal "Internal only"', "", *inside, ""]
    return "\n".join(lines)


def _rating_rank(value: str) -> int:
    """A "Does it work?" rating's place, best evidence first; anything else after them."""
    return RATING_ORDER.index(value) if value in RATING_ORDER else len(RATING_ORDER)


def newest_first(entries: Iterable[PublishedEntry]) -> list[PublishedEntry]:
    """Most recently updated first; then most recently created, then by title."""
    by_title = sorted(entries, key=lambda e: e.title.lower())
    return sorted(by_title, key=lambda e: (e.meta["updated"], e.meta["created"]), reverse=True)


def best_evidence_first(entries: Iterable[PublishedEntry]) -> list[PublishedEntry]:
    """Practice by its "Does it work?" rating, best evidence first; newest first within."""
    return sorted(newest_first(entries), key=lambda e: _rating_rank(e.meta["effectiveness"]))


def _by_kind(entries: Iterable[PublishedEntry]) -> dict[EntryKind, list[PublishedEntry]]:
    grouped: dict[EntryKind, list[PublishedEntry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.kind].append(entry)
    return dict(grouped)


_Part = tuple[dict[str, str], dict[str, str]]  # pages, data files (`SitePages`)


@dataclass(frozen=True)
class PageKeys:
    """Digests of what pages read (`page_keys`): a page whose key is the one recorded
    for the last build would be made the same, and is taken from that build instead."""

    entries: dict[str, str]  # each entry page's key, by page
    site_wide: str | None  # the site-wide pages' key (None: they are always made)


def page_keys(profile_view: ProfileView, links: Links, *, seed: str, site_name: str,
              marking: str, targets: tuple[int, int], home_text: str,
              extra_pages: dict[str, str], population: int | None, small_numbers: int,
              packs: list[tuple[str, str]] | None, overridden: bool) -> PageKeys:
    """The keys of the pages `site_pages` makes from the same arguments.

    Every page reads ``seed`` (hpkb's code and the template folders), the values every
    page gets (the site's name, marking, profile, date, home text, taxonomy) and every
    entry's id, kind and title (a page may link any entry, by id, and a link reads
    them). An entry page also reads its entry's own published fields, its backlinks
    and related entries; and nothing else (other entries only through
    `_Renderer.helpers` and references). The site-wide pages (listings, themes,
    finder, statistics, …) read every entry's published fields but its text, and the
    free pages, packs, figures' settings and responses; hpkb's own templates read no entry's
    text there (a test holds them to it), a content repo's overrides (``overridden``)
    might. So an edit to one entry's text makes its own page again, and no other."""
    shared = hashlib.sha256(repr((
        seed, site_name, marking, targets, home_text, profile_view.name,
        profile_view.today.isoformat(), profile_view.taxonomy,
        sorted((e.id, e.kind, e.title) for e in profile_view.entries))).encode())
    entries: dict[str, str] = {}
    for published in profile_view.entries:
        own = shared.copy()
        own.update(repr((published.digest, links.backlinks(published.id),
                         links.related_to(published.id))).encode())
        entries[entry_page(published.id, published.kind)] = own.hexdigest()
    if overridden:
        return PageKeys(entries, None)
    site_wide = shared.copy()
    # Recommendation responses show on the site-wide pages (recommendations, tracker,
    # the register): what the view publishes of them is part of their key.
    site_wide.update(repr((profile_view.profile, sorted(extra_pages.items()), population,
                           small_numbers, packs, profile_view.responses)).encode())
    for published in profile_view.entries:
        site_wide.update(published.fields_digest.encode())
    return PageKeys(entries, site_wide.hexdigest())


def site_pages(profile_view: ProfileView, links: Links, *, site_name: str, marking: str,
               targets: tuple[int, int], template_dirs: Iterable[Path], home_text: str,
               extra_pages: dict[str, str], population: int | None = None,
               small_numbers: int = 5, packs: list[tuple[str, str]] | None = None,
               template_cache: jinja2.BytecodeCache | None = None,
               only: frozenset[str] | None = None,
               unchanged: frozenset[str] = frozenset(), site_wide: bool = True) -> SitePages:
    """Every page of the site, and the finder's data file and charts; with ``only``, just
    the pages of those entries. The entry pages named in ``unchanged`` are left out, and
    without ``site_wide`` the site-wide pages (the caller has them as they were:
    `page_keys`)."""
    renderer = _Renderer(profile_view, links, site_name, marking, targets, template_dirs,
                         home_text, template_cache)

    def entry(published: PublishedEntry) -> _Part:
        return {entry_page(published.id, published.kind): renderer.entry(published)}, {}

    def page(name: str, make: Callable[[], str]) -> Callable[[], _Part]:
        return lambda: ({name: make()}, {})

    def finder() -> _Part:
        text, found = renderer.finder()
        return {"finder.md": text}, {"finder.json": json.dumps(found, ensure_ascii=False)}

    def statistics() -> _Part:
        text, charts = renderer.statistics(population, small_numbers)
        return {"statistics.md": text}, charts

    def extra(name: str, text: str) -> Callable[[], _Part]:
        return page(f"pages/{name}", lambda: renderer.render(
            "page.md.j2", f"pages/{name}",
            text=Md(renderer.resolve_references(text, f"pages/{name}"))))

    parts: list[Callable[[], _Part]] = []
    if only is None and site_wide:
        parts += [lambda: (renderer.theme_pages(), {}),
                  lambda: (renderer.recommendation_pages(), {}),
                  lambda: (renderer.listing_pages(), {}),
                  lambda: (renderer.browse_pages(), {}),
                  page("tags.md", renderer.tags_page), finder, page("index.md", renderer.home),
                  page("guide.md", lambda: renderer.render("guide.md.j2", "guide.md",
                                                            sections=guide_sections())),
                  page("downloads.md", lambda: renderer.render(
                      "downloads.md.j2", "downloads.md", packs=packs or [])),
                  page("search.md", lambda: renderer.render("search.md.j2", "search.md")),
                  statistics]
        if profile_view.profile.personal:  # management pages: the internal site only
            parts += [page("tracker.md", renderer.tracker), page("review.md", renderer.review),
                      page("responses.md", renderer.responses)]
        parts += [extra(name, text) for name, text in extra_pages.items()]
    parts += [functools.partial(entry, e) for e in profile_view.entries
              if (only is None or e.id in only)
              and entry_page(e.id, e.kind) not in unchanged]
    pages: dict[str, str] = {}
    data: dict[str, str] = {}
    for part in parts:
        made, made_data = part()
        pages.update(made)
        data.update(made_data)
    return SitePages(pages, data)
