"""Odd but valid input is accepted: CRLF, BOM, Welsh and accented text, quoted dates,
YAML 1.1 look-alikes kept as text, fences inside code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hpkb.check.validate import validate_repo
from tests.conftest import run_cli

LEARNING = "content/learning/LN-2024-001.md"
TITLE = 'title: "Example learning: ask about controlling behaviour at every domestic call"'


def _edit(old: str, new: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)
    return apply


ODD_BUT_VALID: dict[str, Callable[[str], str]] = {
    "crlf-line-endings": lambda text: text.replace("\n", "\r\n"),
    "byte-order-mark": lambda text: "\ufeff" + text,
    "bom-and-crlf": lambda text: "\ufeff" + text.replace("\n", "\r\n"),
    "welsh-title": _edit(TITLE, "title: 'Gwersi o adolygiadau: ŵyr, ŷd a chyfraith teulu'"),
    "accented-body": _edit("## Recommendation", "## Recommendation\n\nCafé, naïve, Zoë, São."),
    "quoted-dates": _edit("created: 2024-04-10\nupdated: 2024-04-10",
                          "created: '2024-04-10'\nupdated: \"2024-04-10\""),
    "yes-no-as-text": _edit("owner: Public Protection Unit", "owner: no"),
    "sexagesimal-as-text": _edit(TITLE, "title: 1:20 rule for supervision"),
    "octal-as-text": _edit(TITLE, "title: '0123'"),
    "tags-normalised": _edit("tags: [risk-assessment]", "tags: [Risk  Assessment]"),
    "fence-inside-code": _edit("## Recommendation", "```\n::: internal\n<script>\n```\n\n"
                               "## Recommendation"),
    "code-span-html": _edit("## Recommendation", "Write `<script>` in code.\n\n## Recommendation"),
    "block-scalar-summary": _edit("summary: >-", "summary: |"),
    "trailing-spaces-on-fence": lambda text: text.replace("---\n", "---  \n", 2),
    "document-end-marker": lambda text: text.replace("\n---\n\n## What", "\n...\n\n## What", 1),
    "reference-with-label": _edit("In [[RD-2024-001]]", "In [[RD-2024-001|the debrief]]"),
}


@pytest.mark.parametrize("name", sorted(ODD_BUT_VALID))
def test_odd_but_valid_input_is_accepted(starter: Path, name: str) -> None:
    path = starter / LEARNING
    text = path.read_text(encoding="utf-8")
    path.write_bytes(ODD_BUT_VALID[name](text).encode("utf-8"))
    result = run_cli(starter, "validate", "--format", "json", "--as-of", "2026-11-22")
    assert result.exception is None
    assert result.json() == []
    assert result.exit_code == 0


def test_values_keep_their_text(starter: Path) -> None:
    path = starter / LEARNING
    text = path.read_text(encoding="utf-8")
    text = text.replace(TITLE, "title: 1:20")
    text = text.replace("owner: Public Protection Unit", "owner: off")
    text = text.replace("tags: [risk-assessment]", "tags: [Night Time_Economy]")
    path.write_text(text, encoding="utf-8")
    corpus = validate_repo(starter).corpus
    meta = corpus.by_id["LN-2024-001"].meta
    assert (meta.title, meta.owner, meta.tags) == ("1:20", "off", ["night-time-economy"])
