"""Plan and write sample files: pick type and condition per item, render, capture, save with truth."""

from __future__ import annotations

import os
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

from . import capture, sheets
from .cards import CARD_H, CARD_W, make_id_card, pick_card_variant
from .certificates import make_birth_certificate, make_marriage_certificate, recent_couple_date
from .forms import A4_H, A4_W
from .layout import Page
from .marital import make_marital_status_confirmation
from .model import Document
from .pdf import ImagePage, image_page, write_pdf
from .people import Family, Person, age_on, make_family
from .raster import render_page
from .residence import make_residence_confirmation
from .truth import document_entry, page_entry, write_truth

TODAY = date(2026, 6, 30)   # the generated documents' "now": nothing is dated later
# New types go at the end: a dossier draws its types in this order, so --types with the older
# ones alone keeps writing the same files.
DOCUMENT_TYPES = ["id_card", "birth_certificate", "marriage_certificate", "residence_confirmation",
                  "marital_status_confirmation"]
CONDITIONS = ["clean_scan", "noisy_scan", "phone_photo", "image_pdf", "digital_pdf", "multi_pdf", "card_sides_separate"]
# card_sheet (ID cards on an A4 sheet in every arrangement, see sheets.py) is asked for by name: leaving it out
# of the default cycle (CONDITIONS) keeps default sets (e.g. --count 40 --seed 99) the files they were.
ALL_CONDITIONS = [*CONDITIONS, "card_sheet"]
CARD_ONLY = {"card_sides_separate", "card_sheet"}


@dataclass(frozen=True)
class Item:
    index: int
    condition: str
    doc_type: str          # "dossier" for multi_pdf
    compact: bool = False  # small files: 200-dpi grayscale scans, JPEG quality <= 80


def _q(item: Item, quality: int) -> int:
    """JPEG quality, capped for compact output (the random draw still happens, so compact
    files show the same documents as full-size ones)."""
    return min(quality, 80) if item.compact else quality


def plan(count: int, seed: int, conditions: list[str] | None, types: list[str] | None,
         compact: bool = False) -> list[Item]:
    """Cycle through conditions and types so that even small counts cover every combination
    class; the order is shuffled by the seed."""
    conditions = list(conditions or CONDITIONS)
    types = list(types or DOCUMENT_TYPES)
    for name in conditions:
        if name not in ALL_CONDITIONS:
            raise ValueError(f"unknown condition {name!r}; choose from {', '.join(ALL_CONDITIONS)}")
    for name in types:
        if name not in DOCUMENT_TYPES:
            raise ValueError(f"unknown document type {name!r}; choose from {', '.join(DOCUMENT_TYPES)}")
    if "id_card" not in types and not set(conditions) <= CARD_ONLY:
        conditions = [c for c in conditions if c not in CARD_ONLY]  # only cards have sides
    if not conditions:
        raise ValueError("card_sides_separate and card_sheet need the id_card type")
    order = random.Random(f"plan:{seed}")
    conditions = order.sample(conditions, len(conditions))
    types = order.sample(types, len(types))
    items = []
    for i in range(count):
        round_, position = divmod(i, len(conditions))
        condition = conditions[position]
        doc_type = types[(position + round_) % len(types)]   # each condition meets every type in turn
        if condition in CARD_ONLY:
            doc_type = "id_card"
        elif condition == "multi_pdf":
            doc_type = "dossier"
        items.append(Item(i, condition, doc_type, compact))
    return items


# ---------------------------------------------------------------- documents

def _parents(family: Family) -> tuple[Person, Person]:
    """(mother, father) of a household's children."""
    spouse = family.members[0]
    return (family.head, spouse) if family.head.sex == "Nữ" else (spouse, family.head)


def make_document(rng: random.Random, seed: int, doc_type: str, family: Family | None = None) -> Document:
    """One document; a given `family` is a dossier's household, whose papers must agree."""
    in_dossier = family is not None
    family = family or make_family(rng, TODAY, min_children=1)
    mother, father = _parents(family)
    children = [m for m in family.members if m.relation_to_head == "Con"] or [family.head]
    if doc_type == "id_card":
        holders = [p for p in family.everyone if age_on(p.birth, TODAY) >= 15]
        holder = rng.choice(holders)
        return make_id_card(rng, seed, holder, pick_card_variant(rng, holder, TODAY), TODAY)
    if doc_type == "birth_certificate":
        # About one certificate in twelve has no father registered.
        return make_birth_certificate(rng, seed, rng.choice(children), mother, father if rng.random() > 0.08 else None)
    if doc_type == "marriage_certificate":
        married = family.marriage_date or TODAY
        if rng.random() < 0.3:
            married = recent_couple_date(rng, mother, father, TODAY)
        return make_marriage_certificate(rng, seed, mother, father, married)
    if doc_type == "marital_status_confirmation":
        return make_marital_status_confirmation(rng, seed, family, TODAY, in_dossier)
    return make_residence_confirmation(rng, seed, family, rng.choice(family.everyone), TODAY)


# ---------------------------------------------------------------- sheets

def card_sheet(doc: Document, rng: random.Random, sides: list[str], a4: bool) -> Page:
    """Card side(s) on an A4 photocopy page, or cropped tightly as a card scanner outputs them."""
    by_side = dict(zip(["front", "back"], doc.pages))
    if a4:
        sheet = Page(A4_W, A4_H)
        x, y = rng.uniform(20, A4_W - CARD_W - 20), rng.uniform(18, 45)
        for side in sides:
            sheet.place(by_side[side], x + rng.uniform(-3, 3), y)
            y += CARD_H + rng.uniform(8, 25)
        return sheet
    margin = rng.uniform(1.5, 5)
    sheet = Page(CARD_W + 2 * margin, len(sides) * (CARD_H + margin) + margin)
    for i, side in enumerate(sides):
        sheet.place(by_side[side], margin, margin + i * (CARD_H + margin))
    return sheet


def document_sheets(doc: Document, rng: random.Random) -> tuple[list[Page], str | None]:
    """Pages a document occupies when scanned: cards as one or two A4 pages or a crop."""
    if doc.document_type != "id_card":
        return doc.pages, None
    layout = rng.choices(["a4_both", "crop_both", "crop_one"], weights=[5, 2, 2])[0]
    if layout == "a4_both":
        return [card_sheet(doc, rng, ["front", "back"], a4=True)], "both"
    if layout == "crop_both":
        return [card_sheet(doc, rng, ["front", "back"], a4=False)], "both"
    side = rng.choice(["front", "back"])
    return [card_sheet(doc, rng, [side], a4=False)], side


# ---------------------------------------------------------------- capture and save

def _save_image(image: Image.Image, path_stem: Path, fmt: str, dpi: int | None, quality: int) -> Path:
    path = path_stem.with_suffix(".png" if fmt == "PNG" else ".jpg")
    params: dict[str, Any] = {"dpi": (dpi, dpi)} if dpi else {}
    if fmt == "JPEG":
        params.update(quality=quality, optimize=True)
    image.save(path, fmt, **params)
    return path


def _scan(page: Page, rng: random.Random, noisy: bool, compact: bool, dpi: int | None = None) -> capture.Capture:
    dpi = dpi or (rng.choice([200, 250, 300]) if noisy or page.width > CARD_W * 2 else 300)
    if compact and page.width > CARD_W * 2:
        dpi = 200
    rendered = render_page(page, dpi)
    shot = capture.noisy_scan(rendered, rng, dpi) if noisy else capture.clean_scan(rendered, rng, dpi)
    if compact and shot.image.mode != "L":
        shot.image, shot.info["grayscale"] = shot.image.convert("L"), True
    return shot


def _image_item(out: Path, item: Item, seed: int, art_seed: int, rng: random.Random) -> list[Path]:
    doc = make_document(rng, art_seed, item.doc_type)
    sheets, side = document_sheets(doc, rng)
    if item.condition == "phone_photo":
        if doc.document_type == "id_card":
            sides = rng.choice([["front", "back"], ["front"], ["back"]])
            side = "both" if len(sides) == 2 else sides[0]
            by_side = dict(zip(["front", "back"], doc.pages))
            sheets = [card_sheet(doc, rng, sides, a4=False)]
            shot = capture.phone_photo([render_page(by_side[s], 300) for s in sides], rng, card=True)
        else:
            shot = capture.phone_photo([render_page(sheets[0], 220)], rng, card=False)
        path = _save_image(shot.image, out, "JPEG", None, _q(item, rng.randint(72, 88)))
    else:
        shot = _scan(sheets[0], rng, item.condition == "noisy_scan", item.compact)
        # PNG only for grayscale clean scans: colour or noisy PNGs of A4 pages run to megabytes.
        fmt = "PNG" if item.condition == "clean_scan" and shot.info["grayscale"] and rng.random() < 0.5 else "JPEG"
        quality = rng.randint(35, 70) if item.condition == "noisy_scan" else rng.randint(85, 94)
        path = _save_image(shot.image, out, "JPEG" if item.compact else fmt, shot.info["dpi"], _q(item, quality))
    write_truth(path, path.name, item.condition, seed, item.index, [document_entry(doc, [1], side)],
                [page_entry(1, sheets[0])], capture=shot.info)
    return [path]


def _pdf_item(out: Path, item: Item, seed: int, art_seed: int, rng: random.Random) -> list[Path]:
    doc = make_document(rng, art_seed, item.doc_type)
    digital = item.condition == "digital_pdf"
    if doc.document_type == "id_card":
        two_pages = rng.random() < 0.4 and not digital
        sheets = ([card_sheet(doc, rng, ["front"], a4=True), card_sheet(doc, rng, ["back"], a4=True)] if two_pages
                  else [card_sheet(doc, rng, ["front", "back"], a4=True)])
        side = "both"
    else:
        sheets, side = doc.pages, None
    pdf_pages: list[Page | ImagePage] = []
    info: dict[str, Any] = {"text_layer": digital}
    for sheet in sheets:
        if digital:
            pdf_pages.append(sheet)
        else:
            shot = _scan(sheet, rng, rng.random() < 0.3, item.compact)
            pdf_pages.append(image_page(shot.image, shot.info["dpi"], _q(item, rng.randint(70, 85)) - (18 if item.compact else 0)))
    path = out.with_suffix(".pdf")
    write_pdf(path, pdf_pages)
    numbers = list(range(1, len(sheets) + 1))
    write_truth(path, path.name, item.condition, seed, item.index, [document_entry(doc, numbers, side)],
                [page_entry(n, s) for n, s in zip(numbers, sheets)], capture=info)
    return [path]


def _multi_item(out: Path, item: Item, seed: int, art_seed: int, rng: random.Random, types: list[str]) -> list[Path]:
    """One dossier of one household: e.g. a parent's ID card, a child's birth certificate, the CT07,
    a spouse's marital-status confirmation beside the marriage certificate."""
    family = make_family(rng, TODAY, min_children=1)
    wanted = [t for t in DOCUMENT_TYPES if t in types]
    chosen = rng.sample(wanted, k=min(len(wanted), rng.randint(2, 4))) if len(wanted) > 1 else wanted * 2
    mixed = rng.random() < 0.5
    pdf_pages: list[Page | ImagePage] = []
    entries, page_texts = [], []
    for k, doc_type in enumerate(chosen):
        doc = make_document(rng, art_seed + 1000 * k, doc_type, family)
        if doc.document_type == "id_card":
            sheets = ([card_sheet(doc, rng, ["front", "back"], a4=True)] if rng.random() < 0.6
                      else [card_sheet(doc, rng, ["front"], a4=True), card_sheet(doc, rng, ["back"], a4=True)])
            side = "both"
        else:
            sheets, side = doc.pages, None
        digital = mixed and doc.document_type != "id_card" and rng.random() < 0.5
        first = len(page_texts) + 1
        for sheet in sheets:
            if digital:
                pdf_pages.append(sheet)
            else:
                shot = _scan(sheet, rng, rng.random() < 0.3, item.compact, dpi=rng.choice([200, 250]))
                pdf_pages.append(image_page(shot.image, shot.info["dpi"], _q(item, rng.randint(70, 82)) - (18 if item.compact else 0)))
            page_texts.append(page_entry(len(page_texts) + 1, sheet))
        entry = document_entry(doc, list(range(first, len(page_texts) + 1)), side)
        entry["text_layer"] = digital
        entries.append(entry)
    path = out.with_suffix(".pdf")
    write_pdf(path, pdf_pages)
    write_truth(path, path.name, item.condition, seed, item.index, entries, page_texts, capture={"mixed": mixed})
    return [path]


def _sides_item(out: Path, item: Item, seed: int, art_seed: int, rng: random.Random) -> list[Path]:
    """Front and back of one card as two image files (as uploaded from a phone or card scanner)."""
    doc = make_document(rng, art_seed, "id_card")
    photo = rng.random() < 0.5
    paths = []
    names = {side: out.with_name(f"{out.name}_{side}") for side in ("front", "back")}
    for side, page in zip(["front", "back"], doc.pages):
        if photo:
            shot = capture.phone_photo([render_page(page, 300)], rng, card=True)
            path = _save_image(shot.image, names[side], "JPEG", None, _q(item, rng.randint(75, 90)))
        else:
            sheet = card_sheet(doc, rng, [side], a4=False)
            shot = _scan(sheet, rng, False, item.compact)
            fmt = "PNG" if shot.info["grayscale"] and rng.random() < 0.5 else "JPEG"
            path = _save_image(shot.image, names[side], fmt, 300, _q(item, rng.randint(85, 94)))
            page = sheet
        paths.append(path)
        other = "back" if side == "front" else "front"
        write_truth(path, path.name, item.condition, seed, item.index, [document_entry(doc, [1], side)],
                    [page_entry(1, page)], capture=shot.info, pair=f"{names[other].name}{path.suffix}")
    return paths


def _card_sheet_item(out: Path, item: Item, seed: int, art_seed: int, rng: random.Random) -> list[Path]:
    """ID cards on an A4 sheet (``sheets.py``): one citizen's two sides, or two citizens' cards, each
    citizen a document of the truth with its printed values' boxes in pixels of the file."""
    arrangement = sheets.arrangement_for(item.index)
    family = make_family(rng, TODAY, min_children=1)
    holders = [p for p in family.everyone if age_on(p.birth, TODAY) >= 15]
    people = rng.sample(holders, 2) if arrangement == "two_citizens" and len(holders) >= 2 else [rng.choice(holders)]
    if arrangement == "two_citizens" and len(people) == 1:  # a household with one adult: a neighbour's card
        people.append(rng.choice([p for p in make_family(rng, TODAY).everyone if age_on(p.birth, TODAY) >= 15]))
    docs = [make_id_card(rng, art_seed + 1000 * k, person, pick_card_variant(rng, person, TODAY), TODAY)
            for k, person in enumerate(people)]
    shot = sheets.card_sheet(docs, arrangement, rng)
    if shot.kind == "phone":
        path = _save_image(shot.image, out, "JPEG", None, _q(item, rng.randint(78, 90)))
    else:
        fmt = "PNG" if shot.kind == "clean" and shot.image.mode == "L" and rng.random() < 0.5 else "JPEG"
        quality = rng.randint(40, 75) if shot.kind == "noisy" else rng.randint(85, 94)
        path = _save_image(shot.image, out, "JPEG" if item.compact else fmt, shot.dpi, _q(item, quality))
    entries = []
    for doc, boxes, sides in zip(docs, shot.boxes, shot.sides, strict=True):
        entry = document_entry(doc, [1], "both" if len(sides) == 2 else sides[0])
        entry["boxes"] = {name: box for name, box in boxes.items() if name in entry["fields"]}
        entries.append(entry)
    assert shot.text_page is not None
    write_truth(path, path.name, item.condition, seed, item.index, entries, [page_entry(1, shot.text_page)],
                capture=shot.info)
    return [path]


def write_item(out_dir: Path, item: Item, seed: int, types: list[str]) -> list[Path]:
    rng = random.Random(f"{seed}:{item.index}")   # each item depends only on (seed, index)
    art_seed = rng.getrandbits(31)                # seeds the stamps, signatures, backgrounds
    out = out_dir / f"{item.index:04d}_{item.doc_type}_{item.condition}"
    if item.condition in ("clean_scan", "noisy_scan", "phone_photo"):
        return _image_item(out, item, seed, art_seed, rng)
    if item.condition in ("image_pdf", "digital_pdf"):
        return _pdf_item(out, item, seed, art_seed, rng)
    if item.condition == "multi_pdf":
        return _multi_item(out, item, seed, art_seed, rng, types)
    if item.condition == "card_sheet":
        return _card_sheet_item(out, item, seed, art_seed, rng)
    return _sides_item(out, item, seed, art_seed, rng)


def _write(args: tuple[Path, Item, int, list[str]]) -> list[Path]:
    return write_item(*args)


def generate(out_dir: Path, count: int, seed: int, conditions: list[str] | None = None,
             types: list[str] | None = None, compact: bool = False, workers: int | None = None) -> list[Path]:
    """Write `count` sample items (a card_sides_separate item is two files) with ground truth;
    returns the files. Items depend only on (seed, index), so worker processes change nothing."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    items = plan(count, seed, conditions, types, compact)
    jobs = [(out_dir, item, seed, list(types or DOCUMENT_TYPES)) for item in items]
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(jobs) < 4:
        results = [_write(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_write, jobs))
    return [path for paths in results for path in paths]
