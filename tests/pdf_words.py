"""Words on a PDF page with their boxes (pypdfium2), for layout checks: nothing printed
over anything else, nothing below the footer, the marking on every page."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

GAP = 0.25  # between two glyphs of one word, at most: this much of the font size


@dataclass(frozen=True)
class Word:
    """A run of glyphs with no space between them, and the box around them in points.
    Upright text: the page's frame (from its bottom left). Turned text (a chart's slanted
    labels): the frame turned with it, so that its box is as tight as upright text's."""

    text: str
    left: float
    bottom: float
    right: float
    top: float
    angle: float = 0.0  # radians, as PDFium gives the glyphs' turn
    page_top: float = 0.0  # the top of the glyphs on the page (for turned text too)

    def overlaps(self, other: Word, slack: float = 0.5) -> bool:
        if abs(self.angle - other.angle) > 0.01:
            return False  # turned and upright text: compared in no common frame
        return (min(self.right, other.right) - max(self.left, other.left) > slack
                and min(self.top, other.top) - max(self.bottom, other.bottom) > slack)


def _glyphs(textpage: pdfium.PdfTextPage) -> list[tuple[str, tuple[float, ...], float, float]]:
    """Each glyph: its text, box, turn and font size."""
    found = []
    for index in range(textpage.count_chars()):
        found.append((textpage.get_text_range(index, 1), textpage.get_charbox(index),
                      round(pdfium_c.FPDFText_GetCharAngle(textpage.raw, index), 2),
                      pdfium_c.FPDFText_GetFontSize(textpage.raw, index)))
    return found


def _turned(text: str, glyphs: list[tuple[tuple[float, ...], float]], angle: float) -> Word:
    """A turned word's box in the frame turned with it, from its glyphs' centres."""
    turn = -angle  # PDFium measures the turn clockwise
    along, across = (math.cos(turn), math.sin(turn)), (-math.sin(turn), math.cos(turn))
    us, vs, size = [], [], max(s for _, s in glyphs)
    for box, _ in glyphs:
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        us.append(x * along[0] + y * along[1])
        vs.append(x * across[0] + y * across[1])
    return Word(text, min(us) - size * 0.2, min(vs) - size * 0.35, max(us) + size * 0.2,
                max(vs) + size * 0.35, angle, max(box[3] for box, _ in glyphs))


def _words_of(textpage: pdfium.PdfTextPage) -> list[Word]:
    words: list[Word] = []
    text = ""
    run: list[tuple[tuple[float, ...], float]] = []
    last: tuple[tuple[float, ...], float] | None = None
    angle = 0.0

    def close() -> None:
        if not text:
            return
        if angle:
            words.append(_turned(text, run, angle))
        else:
            top = max(b[3] for b, _ in run)
            words.append(Word(text, min(b[0] for b, _ in run), min(b[1] for b, _ in run),
                              max(b[2] for b, _ in run), top, 0.0, top))

    for char, box, turn, size in _glyphs(textpage):
        if last is None or char.isspace() or turn != angle:
            joined = False
        elif turn:  # turned text: the next glyph is near along the turn
            joined = math.dist(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
                               ((last[0][0] + last[0][2]) / 2,
                                (last[0][1] + last[0][3]) / 2)) < size * 1.2
        else:  # upright: on the same line, touching or inside the last (a ligature's)
            joined = (last[0][0] - GAP * size <= box[0] <= last[0][2] + GAP * size
                      and min(box[3], last[0][3]) > max(box[1], last[0][1]))
        if not joined:
            close()
            text, run = "", []
        if char.isspace() or box[2] <= box[0]:
            last = None
            continue
        angle = turn
        text += char
        run.append((box, size))
        last = (box, size)
    close()
    return words


@dataclass(frozen=True)
class Page:
    """One page: its number, height and words."""

    number: int
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def pages(pdf: Path) -> list[Page]:
    document = pdfium.PdfDocument(str(pdf))
    found = []
    for number in range(len(document)):
        page = document[number]
        found.append(Page(number + 1, page.get_height(), _words_of(page.get_textpage())))
    document.close()
    return found


def layout_problems(pdf: Path, marking: str, title: str, margin: float) -> list[str]:
    """Every word that overlaps another, every word in the bottom margin that is not the
    footer's (``title``, the marking, "Page n of N"), and every page without the marking
    at its top and bottom (empty: none). ``margin``: the bottom margin, in points."""
    problems: list[str] = []
    found = pages(pdf)
    for page in found:
        markings = [w for w in page.words if w.text == marking]
        if len(markings) < 2 or min(w.page_top for w in markings) > margin \
                or max(w.bottom for w in markings) < page.height - margin:
            problems.append(f"page {page.number}: the marking is not at top and bottom")
        footer = [*title.split(), marking, "Page", str(page.number), "of", str(len(found))]
        for word in page.words:
            if word.page_top < margin:
                if word.text in footer:
                    footer.remove(word.text)
                else:
                    problems.append(f"page {page.number}: {word.text!r} is in the footer")
        ordered = sorted(page.words, key=lambda w: w.left)
        for index, word in enumerate(ordered):
            for other in ordered[index + 1:]:
                if other.left >= word.right:
                    break
                if word.overlaps(other):
                    problems.append(f"page {page.number}: {word.text!r} overlaps "
                                    f"{other.text!r}")
    return problems
