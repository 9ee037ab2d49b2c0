"""PDF packs: every page marked, contents and page numbers, metadata, nothing injected,
unchanged packs not typeset again, definitions validated, `hpkb pack`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from hpkb.check.validate import validate_repo
from hpkb.outputs.packs.definitions import pack_document
from hpkb.outputs.packs.typeset import build_packs
from hpkb.outputs.site.templates import template_dirs
from hpkb.pipeline import profile_view
from tests.conftest import AS_OF, run_cli

PACKS = "content/packs.yml"


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[-1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout


def _info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return {k.strip(): v.strip() for k, _, v in (line.partition(":")
                                                 for line in out.stdout.splitlines())}


@pytest.fixture
def built(starter: Path) -> Path:
    result = run_cli(starter, "build", "--profile", "internal", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stdout + result.stderr
    return starter / "build/internal/packs"


def test_every_defined_pack_is_built(built: Path) -> None:
    assert sorted(p.stem for p in built.glob("*.pdf")) == [
        "board-quarterly", "learning-domestic-abuse", "learning-drugs",
        "learning-mental-health", "learning-organisational-learning",
        "learning-serious-violence"]


def test_marking_on_every_page_and_page_numbers(built: Path) -> None:
    for pdf in built.glob("*.pdf"):
        pages = _pages(pdf)
        assert pages >= 2, pdf
        for page in range(1, pages + 1):
            text = _page_text(pdf, page)
            assert text.count("OFFICIAL-SENSITIVE") >= 2, (pdf.name, page)  # top and bottom
            assert f"Page {page} of {pages}" in text, (pdf.name, page)


def test_cover_contents_and_entries(built: Path) -> None:
    pdf = built / "learning-domestic-abuse.pdf"
    cover, contents = _page_text(pdf, 1), _page_text(pdf, 2)
    assert "Learning pack: domestic abuse" in cover and "Theme: Domestic abuse" in cover
    assert "Produced 2026-11-22 from the internal profile" in cover
    assert "Contents" in contents
    assert "Example practice: joint visits with a domestic abuse advocate" in contents
    assert "Example learning: ask about controlling behaviour" in contents
    body = "".join(_page_text(pdf, p) for p in range(3, _pages(pdf) + 1))
    assert "Does it work?" in body and "Promising" in body


def test_pdf_metadata_is_set_and_impersonal(built: Path) -> None:
    info = _info(built / "board-quarterly.pdf")
    assert info["Title"] == "Homicide prevention board pack"
    assert info["Author"] == "essex-police"
    assert "Subject" in info
    assert "Imelda" not in json.dumps(info) and "Castrow" not in json.dumps(info)


def test_board_pack_has_figures(built: Path) -> None:
    pdf = built / "board-quarterly.pdf"
    text = "".join(_page_text(pdf, p) for p in range(1, _pages(pdf) + 1))
    for words in ("Summary", "Position as at", "Debriefs held", "Actions raised",
                  "Homicides and near misses", "Debrief register and timeliness",
                  "Initial review", "Outstanding and overdue actions",
                  "New learning and practice"):
        assert words in text


def test_text_that_looks_like_code_is_printed_not_run(starter: Path) -> None:
    path = starter / "practice/PR-2024-001.md"
    path.write_text(path.read_text("utf-8").replace(
        "## Learning\n", "## Learning\n\nTry #read(\"/etc/passwd\") and $x$ and #pagebreak() "
        "in text.\n"), "utf-8")
    result = run_cli(starter, "pack", "--entry", "PR-2024-001", "--profile", "shared",
                     "--as-of", AS_OF)
    assert result.exit_code == 0, result.stdout + result.stderr
    pdf = starter / "build/shared/packs/entries.pdf"
    text = "".join(_page_text(pdf, p) for p in range(1, _pages(pdf) + 1))
    assert "#read(" in text and "/etc/passwd" in text and "#pagebreak()" in text
    assert "$x$" in text  # no maths mode either
    assert "root:" not in text


@pytest.mark.parametrize("line,code", [
    ("```{=typst}\n#read(\"/etc/passwd\")\n```", "HP406"),
    ("\\input{/etc/passwd}", "HP406"),
    ("![x](../../../etc/passwd)", "HP408"),
])
def test_injection_attempts_are_refused(starter: Path, line: str, code: str) -> None:
    path = starter / "practice/PR-2024-001.md"
    path.write_text(path.read_text("utf-8").replace("## Learning\n", f"## Learning\n\n{line}\n"),
                    "utf-8")
    result = run_cli(starter, "pack", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert f" {code} error " in result.stdout
    assert not (starter / "build/shared/packs").exists()


def test_unchanged_packs_are_not_typeset_again(starter: Path, tmp_path: Path) -> None:
    validation = validate_repo(starter)
    seen = profile_view(validation, "internal")
    documents = [pack_document(p, seen, (14, 30)) for p in validation.packs]
    context = {"marking": "OFFICIAL-SENSITIVE", "organisation": "x", "site_name": "x",
               "profile": "internal", "produced": "2026-11-22"}
    first, second = tmp_path / "one", tmp_path / "two"
    failures, made = build_packs(documents, first, None, template_dirs(starter), context,
                                 seen.today)
    assert failures == {} and len(made) == 6
    failures, made = build_packs(documents, second, first, template_dirs(starter), context,
                                 seen.today)
    assert failures == {} and made == []
    assert (second / "learning-drugs.pdf").read_bytes() == (first / "learning-drugs.pdf"
                                                            ).read_bytes()


def test_pack_definitions_are_validated(starter: Path) -> None:
    packs = starter / PACKS
    packs.write_text(packs.read_text("utf-8").replace("  kind: board", "  kind: bored")
                     .replace("  theme: drugs", "  theme: drug"), "utf-8")
    result = run_cli(starter, "validate", "--format", "json")
    assert result.exit_code == 1
    found = sorted((f["file"], f["line"], f["code"]) for f in result.json())
    assert found == [(PACKS, 4, "HP104"), (PACKS, 17, "HP802")]


def test_pack_command_errors(starter: Path) -> None:
    assert run_cli(starter, "pack", "nope").exit_code == 2
    assert run_cli(starter, "pack", "--entry", "PR-2099-001").exit_code == 2


def test_named_pack_keeps_the_others(starter: Path) -> None:
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    assert run_cli(starter, "pack", "learning-drugs", "--as-of", AS_OF).exit_code == 0
    assert len(list((starter / "build/shared/packs").glob("*.pdf"))) == 6


def test_a_repo_can_opt_in_to_one_pdf_per_entry(starter: Path) -> None:
    config = starter / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "    default_profile: shared", "    default_profile: shared\n    entry_packs: [practice]"),
        "utf-8")
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    pdf = starter / "build/shared/packs/entry-pr-2024-001.pdf"
    assert pdf.is_file()
    assert "Example practice: joint visits" in _page_text(pdf, 1)
    assert not (starter / "build/shared/packs/entry-ln-2024-001.pdf").exists()


def test_no_pack_prints_over_itself_or_the_footer(built: Path) -> None:
    """Every pack, board and learning alike: word boxes read back from the PDF."""
    from tests.pdf_words import layout_problems

    for pdf in sorted(built.glob("*.pdf")):
        title = _info(pdf)["Title"]
        assert layout_problems(pdf, "OFFICIAL-SENSITIVE", title, 2.6 / 2.54 * 72) == [], pdf


@pytest.mark.slow
def test_a_long_table_breaks_across_pages_with_its_header(starter: Path) -> None:
    """Sixty actions in one learning entry: pandoc's table, split over pages."""
    from tests.pdf_words import layout_problems, pages

    path = starter / "content/learning/LN-2024-001.md"
    text = path.read_text("utf-8")
    actions = "".join(
        f"  - id: A{n:02d}\n    action: Brief every response team on item {n} of the "
        "controlling behaviour prompts and record who attended.\n"
        "    owner: Public Protection Unit\n    due: 2030-01-31\n    status: open\n"
        for n in range(1, 61))
    head, _, rest = text.partition("\n---\n")
    path.write_text(f"{head}\nactions:\n{actions}---\n{rest}", "utf-8")
    result = run_cli(starter, "pack", "--entry", "LN-2024-001", "--profile", "internal",
                     "--as-of", AS_OF)
    assert result.exit_code == 0, result.stdout + result.stderr
    pdf = starter / "build/internal/packs/entries.pdf"
    assert layout_problems(pdf, "OFFICIAL-SENSITIVE", "Selected entries",
                           2.6 / 2.54 * 72) == []
    found = pages(pdf)
    with_actions = [p for p in found if "A60" in p.text or "A30" in p.text or "A01" in p.text]
    assert len(with_actions) >= 2
    assert all("Owner" in p.text and "Due" in p.text for p in with_actions)  # header repeated
