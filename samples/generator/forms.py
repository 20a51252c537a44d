"""Building blocks of A4 administrative forms: header, labelled values on dotted
leaders, signature block with a red stamp."""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import artwork
from .fonts import FontFamily, pick_family, text_width_mm
from .layout import Color, Page, wrap_words

A4_W, A4_H = 210.0, 297.0
INK: Color = (10, 10, 10)
VALUE_INK: Color = (15, 15, 25)


@dataclass
class FormStyle:
    """Per-document jitter in typography and layout."""
    family: FontFamily
    left: float          # left margin, mm
    right: float         # right edge of text, mm
    top: float
    size: float          # body size, pt
    step: float          # line spacing, mm
    leader: str          # "dots" (typed dots), "line" (printed dotted line) or "none"
    value_bold: bool
    value_gap: float     # gap between a label and its value, mm
    keep_whole: bool     # move a value that would split to the next line whole

    @classmethod
    def pick(cls, rng: random.Random, dense: bool = False) -> FormStyle:
        size = rng.uniform(11.0, 12.5) if not dense else rng.uniform(10.5, 11.8)
        return cls(
            family=pick_family(rng, "serif" if rng.random() < 0.8 else "sans"),
            left=rng.uniform(18, 28), right=A4_W - rng.uniform(14, 22), top=rng.uniform(12, 20),
            size=size, step=size * rng.uniform(0.54, 0.62),
            leader=rng.choices(["dots", "line", "none"], weights=[5, 3, 2])[0],
            value_bold=rng.random() < 0.6, value_gap=rng.uniform(1.0, 3.0), keep_whole=rng.random() < 0.4,
        )

    @property
    def value_font(self) -> str:
        return self.family.bold if self.value_bold else self.family.regular


def dot_run(width: float, font: str, size: float) -> str:
    """As many '.' as fit in `width` mm."""
    dot = text_width_mm(".", font, size)
    return "." * max(0, int(width / dot))


def field(page: Page, st: FormStyle, x: float, y: float, label: str, value: str | None,
          right: float | None = None, block: int = 0, value_size: float | None = None,
          wrap_x: float | None = None, colon: bool = True, tab: float | None = None) -> float:
    """`Label: ....VALUE....` on a dotted leader, wrapping onto further leader lines
    (which start at `wrap_x`, by default under the label). `tab` starts the value (after
    `value_gap`) no further left than that, as a word processor's tab stop does.

    Returns the baseline of the next line. A missing value leaves the leader empty.
    """
    right = right if right is not None else st.right
    wrap_x = x if wrap_x is None else wrap_x
    size = st.size
    vsize = value_size or size
    end = page.text(x, y, f"{label}:" if colon else label, st.family.regular, size, INK, block=block)
    if tab is not None:
        end = max(end, tab)
    first_width, full_width = right - end - st.value_gap - 6, right - wrap_x - 6
    lines = wrap_words(value or "", st.value_font, vsize, first_width, full_width) if value else [""]
    if st.keep_whole and value and len(lines) > 1 and lines[0] and text_width_mm(value, st.value_font, vsize) <= full_width:
        lines = ["", value]  # keep a short value whole on the next line rather than split it
    for i, line in enumerate(lines):
        start = end if i == 0 else wrap_x
        if st.leader == "dots":
            lead = dot_run(st.value_gap + (2.5 if line else 0), st.family.regular, size) if line else ""
            cursor = page.text(start + 0.8, y, lead, st.family.regular, size, INK, block=block) if lead else start + 0.8
            cursor = page.text(cursor, y, line, st.value_font, vsize, VALUE_INK, block=block) if line else cursor
            tail = dot_run(right - cursor, st.family.regular, size)
            if tail:
                page.text(cursor, y, tail, st.family.regular, size, INK, block=block)
        else:
            if st.leader == "line":
                page.line(start + 0.8, y + 0.7, right, y + 0.7, width=0.25, color=(60, 60, 60), dotted=True)
            if line:
                page.text(start + st.value_gap, y, line, st.value_font, vsize, VALUE_INK, block=block)
        y += st.step
    return y


def paragraph(page: Page, st: FormStyle, x: float, y: float, text: str, right: float | None = None,
              indent: float = 0.0, font: str | None = None, block: int = 0) -> float:
    """Running text wrapped between x and `right`, its first line indented; returns the next baseline."""
    right = right if right is not None else st.right
    font = font or st.family.regular
    for i, line in enumerate(wrap_words(text, font, st.size, right - x - indent, right - x)):
        if line:
            page.text(x + (indent if i == 0 else 0.0), y, line, font, st.size, INK, block=block)
        y += st.step
    return y


def fields_inline(page: Page, st: FormStyle, x: float, y: float, pairs: list[tuple[str, str | None]],
                  right: float | None = None, block: int = 0) -> float:
    """Several short fields on one line ('Giới tính: Nam   Dân tộc: Kinh   Quốc tịch: Việt Nam')."""
    right = right if right is not None else st.right
    slot = (right - x) / len(pairs)
    for i, (label, value) in enumerate(pairs):
        sx = x + i * slot
        end = page.text(sx, y, f"{label}:", st.family.regular, st.size, INK, block=block)
        slot_end = x + (i + 1) * slot - 2
        if st.leader == "dots":
            cursor = page.text(end + 0.8, y, dot_run(1.5, st.family.regular, st.size), st.family.regular, st.size, INK, block=block)
            if value:
                cursor = page.text(cursor, y, value, st.value_font, st.size, VALUE_INK, block=block)
            tail = dot_run(slot_end - cursor, st.family.regular, st.size)
            if tail:
                page.text(cursor, y, tail, st.family.regular, st.size, INK, block=block)
        else:
            if st.leader == "line":
                page.line(end + 0.8, y + 0.7, slot_end, y + 0.7, width=0.25, color=(60, 60, 60), dotted=True)
            if value:
                page.text(end + st.value_gap, y, value, st.value_font, st.size, VALUE_INK, block=block)
    return y + st.step


def centered_lines(page: Page, st: FormStyle, cx: float, y: float, lines: list[tuple[str, bool, float]],
                   gap: float, block: int = 0, underline_last: bool = False) -> float:
    """Lines of (text, bold, size) centred on cx; optional short rule under the last one."""
    for text, bold, size in lines:
        font = st.family.bold if bold else st.family.regular
        page.text(cx, y, text, font, size, INK, align="center", block=block)
        last_width, y_last = text_width_mm(text, font, size), y
        y += gap
    if underline_last and lines:
        half = min(last_width, 60) / 2
        page.line(cx - half * 0.8, y_last + 1.4, cx + half * 0.8, y_last + 1.4, width=0.3)
    return y


def national_header(page: Page, st: FormStyle, cx: float, y: float, block: int) -> float:
    size = st.size * 0.98
    return centered_lines(page, st, cx, y, [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, size),
        ("Độc lập - Tự do - Hạnh phúc", True, size + 0.5),
    ], st.step * 0.85, block=block, underline_last=True)


def authority_header(page: Page, st: FormStyle, cx: float, y: float, lines: list[str], block: int) -> float:
    """Issuing body, e.g. ['ỦY BAN NHÂN DÂN', 'PHƯỜNG GIẢNG VÕ']: first lines regular, last bold."""
    spec = [(text, i == len(lines) - 1, st.size * 0.95) for i, text in enumerate(lines)]
    return centered_lines(page, st, cx, y, spec, st.step * 0.85, block=block, underline_last=True)


def signature_block(page: Page, st: FormStyle, rng: random.Random, seed: int, cx: float, y: float,
                    place_date: str | None, titles: list[str], signer: str, stamp_text: str | None,
                    note: str | None = None, block: int = 50) -> float:
    """Place-date line (italic), title(s), optional '(Ký, ...)' note, signature under a red stamp, name."""
    if place_date:
        page.text(cx, y, place_date, st.family.italic, st.size, INK, align="center", block=block)
        y += st.step
    for title in titles:
        page.text(cx, y, title, st.family.bold, st.size * 0.95, INK, align="center", block=block)
        y += st.step * 0.85
    if note:
        page.text(cx, y, note, st.family.italic, st.size * 0.8, INK, align="center", block=block)
        y += st.step * 0.8
    sig_w, sig_h = 38.0, 16.0
    sx = cx - sig_w / 2 + rng.uniform(-4, 4)
    page.picture(sx, y + 2, sx + sig_w, y + 2 + sig_h, artwork.signature(seed, rng.choice([(20, 30, 110), (25, 25, 35)])))
    if stamp_text:
        d = rng.uniform(32, 38)
        # The stamp overlaps the left part of the signature, as the law requires.
        scx, scy = cx - rng.uniform(8, 16), y + 10 + rng.uniform(-3, 3)
        page.picture(scx - d / 2, scy - d / 2, scx + d / 2, scy + d / 2, artwork.round_stamp(seed + 1, stamp_text))
    y += sig_h + 8
    page.text(cx, y, signer, st.family.bold, st.size, INK, align="center", block=block)
    return y + st.step
