"""Typeset packs: pandoc (PyPI binary) turns each pack's Markdown into Typst with raw
HTML, raw TeX, raw attributes and metadata blocks switched off, in --sandbox, with a
timeout; the typst package compiles it to PDF with its bundled fonts only. Packs build in
parallel (threads), and an unchanged pack (same inputs, same template) is copied from the
previous build instead of being typeset again."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import jinja2

from hpkb.outputs.packs.definitions import PackDocument
from hpkb.outputs.packs.typst_text import typst_string
from hpkb.outputs.site.templates import template_loader
from hpkb.reuse.parallel import on_threads

__all__ = ["PANDOC_READER", "PackJob", "build_packs"]

# Every extension that would let text reach the typesetter as code is off.
PANDOC_READER = ("markdown-raw_html-raw_tex-raw_attribute-yaml_metadata_block"
                 "-native_divs-native_spans-fenced_divs-bracketed_spans-link_attributes"
                 "-inline_code_attributes-fenced_code_attributes-citations-implicit_figures"
                 "-tex_math_dollars")
PANDOC_TIMEOUT_S = 120
MANIFEST = "packs.json"


@dataclass(frozen=True)
class PackJob:
    """Everything needed to typeset one pack, in one picklable value."""

    document: PackDocument
    wrapper: str  # the rendered Typst wrapper
    timestamp: float


def _pandoc() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def _pandoc_to_typst(folder: Path, markdown: str, name: str, options: list[str]
                     ) -> str | None:
    """Markdown to ``name``.typ in ``folder`` by pandoc; the error text, or None."""
    (folder / f"{name}.md").write_text(markdown, encoding="utf-8")
    try:
        done = subprocess.run(
            [_pandoc(), "--sandbox", "-f", PANDOC_READER, "-t", "typst", *options,
             str(folder / f"{name}.md"), "-o", str(folder / f"{name}.typ")],
            capture_output=True, text=True, timeout=PANDOC_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return "pandoc took too long"
    if done.returncode != 0:
        return f"pandoc: {done.stderr.strip()[:300]}"
    return None


def _typeset(job: PackJob, out: Path) -> str | None:
    """Typeset one pack into ``out``; the error text, or None."""
    import typst

    document = job.document
    with tempfile.TemporaryDirectory(prefix="hpkb-pack-") as scratch:
        folder = Path(scratch)
        for name, svg in document.charts.items():
            (folder / name).write_text(svg, encoding="utf-8")
        if document.typst:  # a board paper: hpkb's Typst, and the note (if any) by pandoc
            (folder / "body.typ").write_text(document.typst, encoding="utf-8")
            problem = _pandoc_to_typst(folder, document.markdown, "note",
                                       ["--shift-heading-level-by=2"]) \
                if document.markdown else None
        else:
            problem = _pandoc_to_typst(folder, document.markdown, "body", [])
        if problem is not None:
            return problem
        (folder / "pack.typ").write_text(job.wrapper, encoding="utf-8")
        try:
            typst.compile(str(folder / "pack.typ"), output=str(out), root=str(folder),
                          font_paths=[], ignore_system_fonts=True,
                          timestamp=int(job.timestamp))
        except Exception as exc:  # typst raises its own error types; report, never crash
            return f"typst: {str(exc)[:300]}"
    return None


def _typeset_worker(args: tuple[PackJob, str]) -> tuple[str, str | None]:
    job, out = args
    return job.document.id, _typeset(job, Path(out))


def _wrapper(template_dirs: list[Path], document: PackDocument, context: dict[str, str]
             ) -> str:
    env = jinja2.Environment(loader=template_loader(template_dirs, "packs"),
                             undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters.update(typst=typst_string)
    return env.get_template("pack.typ.j2").render(
        title=document.title, subtitle=document.subtitle, owner=document.owner, **context)


def build_packs(documents: list[PackDocument], out: Path, previous: Path | None,
                template_dirs: list[Path], context: dict[str, str], today: date,
                workers: int = 2) -> tuple[dict[str, str], list[str]]:
    """Write <id>.pdf for every pack into ``out``; return failures ({pack id: error}) and
    the ids typeset anew (the others were unchanged and copied)."""
    out.mkdir(parents=True, exist_ok=True)
    old: dict[str, str] = {}
    if previous is not None and (previous / MANIFEST).is_file():
        old = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC).timestamp()
    jobs: list[PackJob] = []
    manifest: dict[str, str] = {}
    for document in documents:
        wrapper = _wrapper(template_dirs, document, context)
        digest = hashlib.sha256(json.dumps(
            [document.markdown, document.typst, document.charts, wrapper, stamp],
            sort_keys=True).encode()).hexdigest()
        manifest[document.id] = digest
        cached = previous / f"{document.id}.pdf" if previous else None
        if cached is not None and old.get(document.id) == digest and cached.is_file():
            shutil.copy2(cached, out / f"{document.id}.pdf")
            continue
        jobs.append(PackJob(document, wrapper, stamp))
    failures: dict[str, str] = {}
    work = [(job, str(out / f"{job.document.id}.pdf")) for job in jobs]
    # Threads, not processes: Typst releases the interpreter's lock while it compiles
    # and pandoc is a child process, so both cores work.
    results = on_threads(_typeset_worker, work, workers)
    for pack_id, problem in results:
        if problem is not None:
            failures[pack_id] = problem
            manifest.pop(pack_id, None)
    for pack_id, digest in old.items():  # packs kept from before (a partial `hpkb pack`)
        if pack_id not in manifest and (out / f"{pack_id}.pdf").is_file():
            manifest[pack_id] = digest
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                encoding="utf-8")
    return failures, [job.document.id for job in jobs]
