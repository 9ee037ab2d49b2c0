"""hpkb benchmarks: every stage on a synthetic corpus, against baselines in the same run.

Usage: python scripts/bench.py --commands 1000 [--repeat 5]
       python scripts/bench.py [--sizes 1000 5000] [--repeat 3]
       python scripts/bench.py --deaths 25000 1000000 [--repeat 1]

--commands is what the speed goals are judged by: whole commands as a user runs them
(`hpkb validate`, `hpkb build` from clean, with nothing changed and after one edit), each
a fresh process, against plain `mkdocs build` of the same generated project in the same
rounds. The other modes time stages inside one process, to find where time goes.

Each measurement runs in a fresh subprocess so its peak RSS is its own. Prints a table:
stage, entries, seconds (best of --repeat), entries/s, peak RSS, ratio to the baseline
(best against best; stages run in rounds, each once a round, and the ratio of each round
to its own baseline run is shown too, since this machine's speed drifts).
Benchmarks are never timed tests: this script reports, it does not fail a build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_corpus import generate


def _front_matter_texts(root: Path) -> list[str]:
    texts = []
    for folder in ("debriefs", "content/learning", "practice"):
        for path in sorted((root / folder).glob("*.md")):
            text = path.read_text(encoding="utf-8")
            texts.append(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    return texts


Stage = Callable[[], int]
ENTRY_FOLDERS = ("debriefs", "content/learning", "practice")


def stage_yaml_baseline(root: Path) -> Stage:
    """Floor: bare yaml.load(CSafeLoader) of every entry's front matter."""
    import yaml

    def run() -> int:
        paths = [p for f in ENTRY_FOLDERS for p in sorted((root / f).glob("*.md"))]
        for path in paths:
            text = path.read_text(encoding="utf-8")
            yaml.load(text.split("\n---\n", 1)[0].removeprefix("---\n"),
                      Loader=yaml.CSafeLoader)
        return len(paths)

    return run


def stage_validate(root: Path) -> Stage:
    """hpkb validate: load, strict YAML, schema, rules, cross-references."""
    from hpkb.check.validate import validate_repo

    def run() -> int:
        result = validate_repo(root)
        errors = [d for d in result.diagnostics if d.severity.value == "error"]
        if errors:
            raise SystemExit(f"synthetic corpus invalid: {errors[:3]}")
        return len(result.corpus.entries)

    return run


def _shared_view(root: Path, profile: str = "shared") -> tuple[Any, Any]:
    from hpkb.check.validate import validate_repo
    from hpkb.pipeline import profile_view

    validation = validate_repo(root)
    return validation.settings, profile_view(validation, profile)


def stage_site(root: Path) -> Stage:
    """hpkb's site stage for the shared profile: docs tree, MkDocs build, HTML check."""
    from hpkb.outputs.site.build import build_site

    settings, seen = _shared_view(root)
    out = Path(tempfile.mkdtemp(prefix="hpkb-bench-site-"))

    def run() -> int:
        findings = build_site(root, settings, seen, out)
        if findings:
            raise SystemExit(f"site stage failed: {findings[:3]}")
        print(json.dumps({"site": str(out / "site")}))
        return len(seen.entries)

    return run


FIRST_RESULT_WATCH = """() => { window.hpkbFirstResult = new Promise(resolve => {
  const root = document.getElementById("hpkb-search");
  const watch = new MutationObserver(() => {
    if (root.querySelector("#hpkb-search-results li")) {
      watch.disconnect();
      resolve(performance.now());
    }
  });
  watch.observe(root, { subtree: true, childList: true });
}); }"""


def measure_search(site: Path, query: str = "partner records", runs: int = 3
                   ) -> dict[str, float]:
    """First search in headless Chromium, each run on a fresh page (nothing cached):
    bytes fetched from the index, and the median and slowest time to results."""
    import statistics

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from playwright.sync_api import sync_playwright
    from tests.site_helpers import CHROMIUM, CHROMIUM_ARGS, serve

    times: list[float] = []
    fetched = 0
    responses: list[Any] = []  # bodies are read after timing, not during
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            context = browser.new_context()  # an empty cache each time
            page = context.new_page()
            page.goto(base + "search.html")
            page.wait_for_selector("#hpkb-search[data-started]", state="attached")
            page.wait_for_load_state("networkidle")  # a reader looks before typing
            responses.clear()
            page.on("response", lambda response: responses.append(response))
            # Timed in the page: from typing to the first result on screen.
            page.evaluate(FIRST_RESULT_WATCH)
            typed = page.evaluate("performance.now()")
            page.get_by_label("Search entries").fill(query)
            times.append(page.evaluate("window.hpkbFirstResult") - typed)
            page.wait_for_load_state("networkidle")  # what the first search fetched, in full
            fetched = max(fetched, sum(len(r.body()) for r in responses
                                       if "/search-index/" in r.url and r.ok))
            context.close()
        browser.close()
    return {"kib": fetched / 1024, "ms": statistics.median(times), "max_ms": max(times)}


def stage_mkdocs_baseline(root: Path) -> Stage:
    """Baseline: plain `mkdocs build` (Material, search) of the same entry pages, with
    entries kept out of the nav as hpkb does (a full nav makes Material N²)."""
    import shutil

    import yaml

    from hpkb.outputs.site.build import build_site

    settings, seen = _shared_view(root)
    generated = Path(tempfile.mkdtemp(prefix="hpkb-bench-gen-"))
    build_site(root, settings, seen, generated)  # only to get the same entry pages
    plain = Path(tempfile.mkdtemp(prefix="hpkb-bench-plain-"))
    for folder in ("debriefs", "learning", "practice"):
        source = generated / "docs" / folder
        shutil.copytree(source, plain / "docs" / folder,
                        ignore=shutil.ignore_patterns("index.md"))
    (plain / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config = {"site_name": "baseline", "docs_dir": "docs", "site_dir": "site",
              "theme": {"name": "material", "font": False}, "plugins": ["search"],
              "markdown_extensions": ["tables", "admonition", {"toc": {"permalink": True}}],
              "nav": [{"Home": "index.md"}],
              "not_in_nav": "/debriefs/*\n/learning/*\n/practice/*",
              "validation": {"links": {"not_found": "ignore"}}}
    (plain / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")

    def run() -> int:
        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        build(load_config(str(plain / "mkdocs.yml")))  # plain `mkdocs build`, one process
        return len(seen.entries)

    return run


def stage_search_index(root: Path) -> Stage:
    """Whoosh index of the shared view from scratch, then query latencies and a
    one-entry incremental update (reported as extra numbers)."""
    import statistics

    from hpkb.outputs.search.index import IndexReader, index_view

    _, seen = _shared_view(root)
    out = Path(tempfile.mkdtemp(prefix="hpkb-bench-index-"))

    def run() -> int:
        index_view(seen, out / "full", None)
        return len(seen.entries)

    def extras() -> dict[str, float]:
        import dataclasses

        timings: dict[str, list[float]] = {"plain": [], "filtered": [], "faceted": []}
        reader = IndexReader(out / "full")  # as `hpkb serve` keeps it: open between queries
        words = ["partner", "records", "supervision night", "referral routes", "falturton",
                 "corbelley review", "training", "risk assessment", "arbel", "shouting"]
        for word in words * 3:
            for kind, args in (("plain", {}), ("filtered", {"kind": "practice"}),
                               ("faceted", {"theme": "serious-violence"})):
                started = time.perf_counter()
                reader.search(word, **args)  # type: ignore[arg-type]
                timings[kind].append((time.perf_counter() - started) * 1000)
        changed = dataclasses.replace(seen, entries=(
            dataclasses.replace(seen.entries[0], body=seen.entries[0].body + " changed"),
            *seen.entries[1:]))
        started = time.perf_counter()
        index_view(changed, out / "update", out / "full")
        update = time.perf_counter() - started
        result = {"update_s": update}
        for kind, values in timings.items():
            ordered = sorted(values)
            result[f"{kind}_median_ms"] = statistics.median(ordered)
            result[f"{kind}_p95_ms"] = ordered[int(len(ordered) * 0.95) - 1]
        return result

    run.extras = extras  # type: ignore[attr-defined]
    return run


def stage_search_index_all(root: Path) -> Stage:
    """Whoosh index of every entry (the internal profile's view), from scratch."""
    from hpkb.outputs.search.index import index_view

    _, seen = _shared_view(root, "internal")
    out = Path(tempfile.mkdtemp(prefix="hpkb-bench-index-all-"))

    def run() -> int:
        index_view(seen, out / "full", None)
        return len(seen.entries)

    return run


def stage_packs(root: Path) -> Stage:
    """Every top-level theme's learning pack of the shared view, typeset on both cores;
    extras: one 100-entry theme pack on its own."""
    import dataclasses

    from hpkb.outputs.packs.definitions import PackDef, pack_document
    from hpkb.outputs.packs.typeset import build_packs
    from hpkb.outputs.site.templates import template_dirs

    _, seen = _shared_view(root)
    themes = [t.id for t in seen.taxonomy.themes.values() if t.parent is None]
    defs = [PackDef.model_validate({"id": f"learning-{t}", "title": f"Learning pack: {t}",
                                    "kind": "theme", "theme": t}) for t in themes]
    documents = [pack_document(d, seen, (14, 30)) for d in defs]
    context = {"marking": "OFFICIAL", "organisation": "bench", "site_name": "bench",
               "profile": "shared", "produced": seen.today.isoformat()}
    out = Path(tempfile.mkdtemp(prefix="hpkb-bench-packs-"))
    entries = sum(d.markdown.count("\n## ") + 1 for d in documents)

    def run() -> int:
        failures, _ = build_packs(documents, out / "all", None, template_dirs(root), context,
                                  seen.today)
        if failures:
            raise SystemExit(f"packs failed: {failures}")
        return entries

    def extras() -> dict[str, float]:
        practice = [e for e in seen.entries if e.kind in ("practice", "learning")][:100]
        small = dataclasses.replace(seen, entries=tuple(practice))
        one = pack_document(PackDef.model_validate(
            {"id": "hundred", "title": "100 entries", "kind": "theme",
             "theme": themes[0]}), dataclasses.replace(small, entries=tuple(
                 dataclasses.replace(e, meta={**e.meta, "themes": [themes[0]]})
                 for e in practice)), (14, 30))
        started = time.perf_counter()
        build_packs([one], out / "one", None, template_dirs(root), context, seen.today)
        return {"hundred_s": time.perf_counter() - started}

    run.extras = extras  # type: ignore[attr-defined]
    return run


def _copy(root: Path, name: str) -> Path:
    import shutil

    target = Path(tempfile.mkdtemp(prefix=f"hpkb-bench-{name}-")) / "repo"
    shutil.copytree(root, target, ignore=shutil.ignore_patterns("build"))
    return target


def _build(root: Path) -> Any:
    from hpkb.pipeline import BuildRequest, build

    report = build(BuildRequest(root=root, profile="shared", skip=frozenset({"packs"})))
    errors = [d for d in report.diagnostics if d.severity.value == "error"]
    if errors or not report.built:
        raise SystemExit(f"build failed: {errors[:3]}")
    return report


def stage_build(root: Path) -> Stage:
    """`hpkb build --profile shared --skip packs` from clean: validate, guard, Whoosh index
    and related entries, docs tree, MkDocs, HTML check, site search index, export, output guard."""
    import hpkb.pipeline  # noqa: F401  (import time is reported apart)

    repo = _copy(root, "build")

    def run() -> int:
        entries: int = _build(repo).entries
        size = sum(p.stat().st_size for p in (repo / "build").rglob("*") if p.is_file())
        print(json.dumps({"output_mib": size / 2**20}))
        return entries

    return run


def stage_rebuild_noop(root: Path) -> Stage:
    """The same build again with nothing changed."""
    repo = _copy(root, "noop")
    _build(repo)

    def run() -> int:
        report = _build(repo)
        if not report.up_to_date:
            raise SystemExit("an unchanged rebuild was not recognised")
        return int(report.entries)

    return run


def stage_rebuild_edit(root: Path) -> Stage:
    """The build again after one shared entry's body was edited."""
    repo = _copy(root, "edit")
    report = _build(repo)
    edited = next(p for p in sorted((repo / "practice").glob("*.md"))
                  if "audience: shared" in p.read_text(encoding="utf-8"))
    _build(repo)
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("## Aim\n", "## Aim\n\nAn edited sentence.\n", 1),
                      encoding="utf-8")

    def run() -> int:
        again = _build(repo)
        if again.up_to_date:
            raise SystemExit("the edit was not noticed")
        return int(report.entries)

    return run


def _serving(root: Path, name: str) -> Callable[[], int]:
    """`hpkb serve` (a process of its own) on a copy of ``root``, with a shared practice
    entry's page open in Chromium: what saves a new word into the entry and waits until
    the page, reloaded by itself, shows it (returns the entries served)."""
    import atexit
    import re
    import secrets

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from playwright.sync_api import sync_playwright
    from tests.site_helpers import CHROMIUM, CHROMIUM_ARGS

    repo = _copy(root, name)
    _build(repo)
    edited = next(p for p in sorted((repo / "practice").glob("*.md"))
                  if "audience: shared" in p.read_text(encoding="utf-8"))
    entry_id = re.search(r"^id: (\S+)$", edited.read_text(encoding="utf-8"), re.M)
    assert entry_id is not None
    server = subprocess.Popen([sys.executable, "-m", "hpkb", "--root", str(repo), "serve",
                               "--port", "0"], stderr=subprocess.PIPE, text=True)
    atexit.register(server.terminate)
    assert server.stderr is not None
    address = ""
    while not address:
        line = server.stderr.readline()
        if not line:
            raise SystemExit("hpkb serve stopped")
        found = re.search(r"on (http://\S+/) ", line)
        address = found.group(1) if found else ""
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page()
    page.goto(f"{address}practice/{entry_id.group(1)}.html")
    page.wait_for_timeout(1500)  # the page has asked for the live build's generation
    atexit.register(playwright.stop)
    atexit.register(browser.close)  # after the stage's time is taken: not part of it
    pages = sum(1 for _ in (repo / "build" / "shared" / "site").glob("*/*-*.html"))

    def save() -> int:
        word = "".join(secrets.choice("bcdfghjklmnpqrstvwz") for _ in range(10))
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("## Aim\n", f"## Aim\n\nNow also {word}.\n", 1),
                          encoding="utf-8")
        page.wait_for_function(f"document.body.innerText.includes('{word}')",
                               polling=10, timeout=120_000)
        return pages

    return save


def stage_serve_reload(root: Path) -> Stage:
    """`hpkb serve` with an entry's page open in Chromium: from saving an edit to the
    entry's Markdown to the page showing it, reloaded by itself (the first save since
    the server started)."""
    return _serving(root, "serve")


def stage_serve_resave(root: Path) -> Stage:
    """As serve-reload, for a save that comes 1.2 s after the page showed the last one
    (not timed): once the author has paused a second, the full build after the last
    save has begun, and stops for the new save."""
    save = _serving(root, "resave")
    save()
    time.sleep(1.2)
    return save


def stage_guard(root: Path) -> Stage:
    """The output guard over a whole shared build, from scratch (no previous record)."""
    from hpkb.check.validate import validate_repo
    from hpkb.guard.publication import guard_outputs
    from hpkb.pipeline import profile_view

    repo = _copy(root, "guard")
    _build(repo)
    validation = validate_repo(repo)
    seen = profile_view(validation, "shared")

    def run() -> int:
        if guard_outputs(repo / "build" / "shared", seen, validation.corpus, []):
            raise SystemExit("guard found something in the synthetic build")
        return len(seen.entries)

    return run


def stage_export(root: Path) -> Stage:
    """`hpkb export --profile shared` (validate, view, write, guard)."""
    from hpkb.pipeline import BuildRequest, export_only

    repo = _copy(root, "export")

    def run() -> int:
        return export_only(BuildRequest(root=repo, profile="shared")).entries

    return run


def stage_docs_tree(root: Path) -> Stage:
    """Generating the Markdown docs tree (every page) from the shared view."""
    from hpkb.outputs.site.build import _generate
    from hpkb.reuse.fingerprint import code_digest

    settings, seen = _shared_view(root)
    code = code_digest()

    def run() -> int:
        _generate(root, settings, seen, "", {}, {}, [], code, None)
        return len(seen.entries)

    return run


def stage_site_search(root: Path) -> Stage:
    """The site's search index (hpkb.outputs.site.search) for the shared profile, made and
    written (nothing to link from: every file is written)."""
    from hpkb.outputs.site.search import write_site_search

    _, seen = _shared_view(root)
    out = Path(tempfile.mkdtemp(prefix="hpkb-bench-site-search-"))

    def run() -> int:
        write_site_search(seen, out, None)
        return len(seen.entries)

    return run


# Each stage factory prepares (imports, inputs) untimed, apart from its import time, and
# returns the work to time.
STAGES: dict[str, Callable[[Path], Stage]] = {
    "yaml-baseline": stage_yaml_baseline,
    "validate": stage_validate,
    "mkdocs-baseline": stage_mkdocs_baseline,
    "site": stage_site,
    "search-index": stage_search_index,
    "search-index-all": stage_search_index_all,
    "packs": stage_packs,
    "docs-tree": stage_docs_tree,
    "site-search": stage_site_search,
    "guard": stage_guard,
    "export": stage_export,
    "build": stage_build,
    "rebuild-noop": stage_rebuild_noop,
    "rebuild-edit": stage_rebuild_edit,
    "serve-reload": stage_serve_reload,
    "serve-resave": stage_serve_resave,
}
BASELINE_OF = {"validate": "yaml-baseline", "site": "mkdocs-baseline",
               "build": "mkdocs-baseline", "rebuild-noop": "build", "rebuild-edit": "build",
               "serve-reload": "build", "serve-resave": "build"}


def _measure_here(stage: str, root: Path) -> None:
    started = time.perf_counter()
    work = STAGES[stage](root)
    imported = time.perf_counter()
    cpu_before = _cpu_seconds()
    entries = work()
    done = time.perf_counter()
    cpu = _cpu_seconds() - cpu_before
    extras = getattr(work, "extras", None)
    if extras is not None:
        print(json.dumps(extras()))
    # The largest of this process and its helpers (MkDocs' second process, the Whoosh index's).
    rss_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"entries": entries, "seconds": done - imported,
                      "import_seconds": imported - started, "rss_mib": rss_kib / 1024,
                      "cpu_seconds": cpu}))


def _cpu_seconds() -> float:
    """User and system CPU of this process and the helpers it has waited for (MkDocs'
    second process, the index's): steadier than wall time on a shared machine,
    and what two cores must share."""
    own, helpers = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                        resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + helpers.ru_utime + helpers.ru_stime


def measure_once(stage: str, root: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--measure", stage, str(root)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"stage {stage} failed:\n{out.stdout[-2000:]}{out.stderr[-4000:]}")
    lines = [json.loads(line) for line in out.stdout.strip().splitlines()
             if line.startswith("{")]
    run: dict[str, float] = lines[-1]
    for extra in lines[:-1]:
        run.update(extra)
    return run


def measure(stages: list[str], root: Path, repeat: int) -> dict[str, list[dict[str, float]]]:
    """Every stage ``repeat`` times, in rounds (each stage once a round): a stage and its
    baseline run close together in time, so the machine's drift in speed (large on this
    shared machine) weighs on both alike."""
    runs: dict[str, list[dict[str, float]]] = {stage: [] for stage in stages}
    for _ in range(repeat):
        for stage in stages:
            runs[stage].append(measure_once(stage, root))
    return runs


def best_of(runs: list[dict[str, float]]) -> dict[str, float]:
    best = dict(min(runs, key=lambda r: float(r["seconds"])))
    best["rss_mib"] = max(float(r["rss_mib"]) for r in runs)
    return best


def round_ratios(runs: list[dict[str, float]], base: list[dict[str, float]]) -> str:
    """The ratio in each round (a stage against its baseline of the same round)."""
    ratios = sorted(r["seconds"] / b["seconds"] for r, b in zip(runs, base, strict=True))
    return f"rounds {ratios[0]:.2f}-{ratios[-1]:.2f}x" if len(ratios) > 1 else ""


# --- Whole commands: what a user waits for, each a fresh process, imports included.

def _timed(command: list[str], cwd: Path) -> float:
    """Wall seconds of one command run as a user runs it; exits on failure."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return seconds


def _machine_state() -> str:
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return (f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}; load average {load}")


def bench_commands(sizes: list[int], repeat: int) -> None:
    """`hpkb validate` and `hpkb build --profile shared` (from clean, with nothing changed,
    after one edited entry), each a fresh process, in rounds that alternate with plain
    `mkdocs build` of the project hpkb generated (the same pages, theme and settings).
    Each round's ratio is to that round's own `mkdocs build`."""
    import shutil

    bin_dir = Path(sys.executable).parent
    hpkb, mkdocs = str(bin_dir / "hpkb"), str(bin_dir / "mkdocs")
    print(f"start: {_machine_state()}")
    with tempfile.TemporaryDirectory(prefix="hpkb-commands-") as scratch:
        for size in sizes:
            repo = generate(Path(scratch) / f"corpus-{size}", size)
            build = [hpkb, "build", "--profile", "shared"]
            _timed(build, repo)  # the generated project, for the baseline to build
            project = Path(scratch) / f"plain-{size}"
            shutil.copytree(repo / "build" / "shared", project,
                            ignore=shutil.ignore_patterns("site", "search", "export", "packs",
                                                          ".cache"))
            edited = next(p for p in sorted((repo / "practice").glob("*.md"))
                          if "audience: shared" in p.read_text(encoding="utf-8"))
            runs: dict[str, list[float]] = {name: [] for name in (
                "mkdocs build", "hpkb validate", "hpkb build (clean)",
                "hpkb build (nothing changed)", "hpkb build (one entry edited)")}
            for round_ in range(repeat):
                runs["mkdocs build"].append(_timed(
                    [mkdocs, "build", "-q", "-f", str(project / "mkdocs.yml"), "-d",
                     str(Path(scratch) / "plain-site")], project))
                runs["hpkb validate"].append(_timed([hpkb, "validate"], repo))
                shutil.rmtree(repo / "build")
                runs["hpkb build (clean)"].append(_timed(build, repo))
                runs["hpkb build (nothing changed)"].append(_timed(build, repo))
                text = edited.read_text(encoding="utf-8")
                edited.write_text(text.replace("## Aim\n", f"## Aim\n\nEdit {round_}.\n", 1),
                                  encoding="utf-8")
                runs["hpkb build (one entry edited)"].append(_timed(build, repo))
            base, clean = runs["mkdocs build"], runs["hpkb build (clean)"]
            print(f"\n{size} entries, {repeat} rounds (seconds: fastest-slowest; ratio: "
                  "each round against its own baseline, fastest-slowest)")
            for name, times in runs.items():
                against = base if name in ("hpkb build (clean)", "hpkb validate") else clean
                ratios = sorted(t / b for t, b in zip(times, against, strict=True))
                what = "mkdocs build" if against is base else "clean build"
                ratio = ("" if name == "mkdocs build" else
                         f"  {ratios[0]:.2f}-{ratios[-1]:.2f}x {what}")
                print(f"  {name:<32}{min(times):>7.2f}-{max(times):<7.2f}{ratio}")
    print(f"end: {_machine_state()}")


# --- Death investigations: whole `hpkb deaths` commands on a generated force's records.

def _run_command(command: list[str]) -> None:
    """Run one command (its output discarded) and print its wall time and peak RSS: this
    process is fresh, so its children's peak is the command's own."""
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mib": rss}))


def _deaths_repo(folder: Path, records: int) -> Path:
    """A copy of the example's settings and taxonomy with ``records`` generated records."""
    import shutil

    from synthetic_deaths import generate as generate_deaths
    from synthetic_deaths import write as write_deaths

    example = Path(__file__).resolve().parent.parent
    folder.mkdir(parents=True)
    shutil.copytree(example / "content", folder / "content")
    shutil.copy(example / "mkdocs.yml", folder / "mkdocs.yml")
    write_deaths(folder, generate_deaths(records, seed=7))
    return folder


def bench_deaths(sizes: list[int], repeat: int) -> None:
    """`hpkb deaths validate` (reading and checking every row: the baseline) and
    `hpkb deaths report --json` (that, merging, counting, spikes and series), each in a
    fresh process, in rounds."""
    hpkb = str(Path(sys.executable).with_name("hpkb"))
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; load "
          "average (1 min) before each round in brackets")
    print(f"{'command':<24}{'records':>10}{'seconds':>10}{'peak MiB':>10}  rounds")
    with tempfile.TemporaryDirectory(prefix="hpkb-deaths-") as scratch:
        for size in sizes:
            root = _deaths_repo(Path(scratch) / f"force-{size}", size)
            rows = sum(1 for p in (root / "deaths").glob("*.csv")
                       for _ in p.open(encoding="utf-8")) - 2
            runs: dict[str, list[dict[str, float]]] = {"deaths validate": [],
                                                       "deaths report --json": []}
            for _ in range(repeat):
                for name in runs:
                    load = os.getloadavg()[0]
                    out = subprocess.run([sys.executable, __file__, "--run", hpkb, "--root",
                                          str(root), *name.split()],
                                         capture_output=True, text=True)
                    if out.returncode != 0:
                        raise SystemExit(out.stdout + out.stderr)
                    runs[name].append({**json.loads(out.stdout.strip().splitlines()[-1]),
                                       "load": load})
            for name, measured in runs.items():
                best = min(measured, key=lambda r: r["seconds"])
                peak = max(r["rss_mib"] for r in measured)
                print(f"{name:<24}{rows:>10}{best['seconds']:>10.1f}{peak:>10.0f}  "
                      + ", ".join(f"{r['seconds']:.1f} [{r['load']:.1f}]"
                                  for r in sorted(measured, key=lambda r: r["seconds"])))


def main() -> None:
    if sys.argv[1:2] == ["--run"]:
        _run_command(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stages", nargs="+", default=list(STAGES))
    parser.add_argument("--measure", nargs=2, metavar=("STAGE", "ROOT"), help=argparse.SUPPRESS)
    parser.add_argument("--commands", type=int, nargs="+", metavar="ENTRIES",
                        help="Time whole hpkb commands against plain `mkdocs build` on "
                             "generated corpora of these many entries.")
    parser.add_argument("--deaths", type=int, nargs="+", metavar="RECORDS",
                        help="Time `hpkb deaths` on generated forces of these many records.")
    args = parser.parse_args()
    if args.measure:
        _measure_here(args.measure[0], Path(args.measure[1]))
        return
    if args.deaths:
        bench_deaths(args.deaths, args.repeat)
        return
    if args.commands:
        bench_commands(args.commands, args.repeat)
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    header = (f"{'stage':<16}{'entries':>8}{'seconds':>10}{'cpu s':>8}{'prep s':>10}"
              f"{'entries/s':>11}{'peak MiB':>10}{'ratio':>8}  baseline")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="hpkb-bench-") as scratch:
        for size in args.sizes:
            root = generate(Path(scratch) / f"corpus-{size}", size)
            runs = measure(args.stages, root, args.repeat)
            results = {stage: best_of(stage_runs) for stage, stage_runs in runs.items()}
            for stage, r in results.items():
                base = BASELINE_OF.get(stage)
                ratio = (f"{r['seconds'] / results[base]['seconds']:.2f}x"
                         if base in results else "")
                spread = round_ratios(runs[stage], runs[base]) if base in results else ""
                print(f"{stage:<16}{int(r['entries']):>8}{r['seconds']:>10.2f}"
                      f"{r['cpu_seconds']:>8.2f}{r['import_seconds']:>10.2f}"
                      f"{r['entries'] / r['seconds']:>11.0f}"
                      f"{r['rss_mib']:>10.0f}{ratio:>8}  {base or ''} {spread}".rstrip())
            if "search-index" in results:
                r = results["search-index"]
                print(f"  whoosh at {size} entries: one-entry update {r['update_s']:.2f} s; "
                      + "; ".join(f"{k} median/p95 {r[k + '_median_ms']:.0f}/"
                                  f"{r[k + '_p95_ms']:.0f} ms"
                                  for k in ("plain", "filtered", "faceted")))
            if "build" in results:
                print(f"  build output at {size} entries: "
                      f"{results['build']['output_mib']:.0f} MiB")
            if "packs" in results:
                print(f"  packs: a 100-entry theme pack in {results['packs']['hundred_s']:.2f} s")
            if "site" in results and "site" in results["site"]:
                search = measure_search(Path(str(results["site"]["site"])))
                print(f"  first site search at {size} entries: {search['kib']:.0f} KiB "
                      f"fetched, results in {search['ms']:.0f} ms (median of 3 fresh "
                      f"pages; slowest {search['max_ms']:.0f} ms)")


if __name__ == "__main__":
    main()
