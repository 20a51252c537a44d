"""ID cards on an A4 sheet (the generator's ``card_sheet`` condition), end to end: every side found and
read on its own, two citizens' cards kept apart, and every value's box where the generator printed it (or, for
a value of the QR code printed where a side read in part was not read, the code's own zone).

Each sheet is generated, processed once per session and compared with its truth: the documents, their
values, and the boxes (an extracted box, mapped back to the file's page through its page's ``region``,
must lie on the printed value's box in the truth).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from extractors.id_card import SideFacts, pair_score, qr_zone
from pipeline.geometry import to_source
from samples.generator import sheets
from samples.generator.dossier import Item, write_item
from schemas import BBox, ExtractionResult, Page
from tools.evaluate import match_documents, normalise
from usecases.process import OCR_ROWS, process_file

SEED = 5
# items of seed 5: two citizens' cards on a noisy photocopy fed to the scanner turned; one side upside down
TWO_CITIZENS, ONE_SIDE_UPSIDE_DOWN = 6, 3

pytestmark = pytest.mark.integration  # reads pages with Tesseract



@cache
def sheet(index: int, folder: Path) -> tuple[dict, ExtractionResult]:
    (path,) = write_item(folder, Item(index, "card_sheet", "id_card"), SEED, ["id_card"])
    truth = json.loads(path.with_name(f"{path.stem}.truth.json").read_text(encoding="utf-8"))
    return truth, process_file(path, workers=2).result


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("card_sheets")


def test_the_arrangements_cycle_through_the_items():
    assert sheets.arrangement_for(TWO_CITIZENS) == "two_citizens"
    assert sheets.arrangement_for(ONE_SIDE_UPSIDE_DOWN) == "turned_180"
    assert {sheets.arrangement_for(i) for i in range(len(sheets.ARRANGEMENTS))} == set(sheets.ARRANGEMENTS)


@pytest.mark.parametrize("index", [TWO_CITIZENS, ONE_SIDE_UPSIDE_DOWN])
def test_each_side_is_a_page_and_each_citizen_a_document(index, folder):
    truth, result = sheet(index, folder)
    sides = truth["capture"]["card_sides"]
    assert len(result.pages) == len(sides)
    assert all(page.source_page == 1 and page.cropped and page.region is not None for page in result.pages)
    cards = [d for d in result.documents if d.document_type == "id_card"]
    assert len(cards) == len(truth["documents"])
    matches = match_documents(truth["documents"], result)
    assert len({id(m) for m in matches}) == len(matches)  # two citizens: two documents
    for index_, (expected, found) in enumerate(zip(truth["documents"], matches, strict=True)):
        assert found is not None and found.variant == expected["variant"]
        assert len(found.pages) == sum(side["document"] == index_ for side in sides)  # its sides joined
        wrong = [name for name, value in expected["fields"].items() if name != "expiry_no_expiry"
                 and normalise(found.fields[name].value if name in found.fields else None) != normalise(value)]
        assert len(wrong) <= 2, wrong


def _on(box: BBox, truth: list[float]) -> bool:
    """The box lies on the truth's box: its centre inside it (a little grown) and overlapping it well."""
    x0, y0, x1, y1 = truth
    grow = 0.25 * min(x1 - x0, y1 - y0) + 5
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    inter = max(0, min(box[2], x1) - max(box[0], x0)) * max(0, min(box[3], y1) - max(box[1], y0))
    union = (box[2] - box[0]) * (box[3] - box[1]) + (x1 - x0) * (y1 - y0) - inter
    return x0 - grow <= cx <= x1 + grow and y0 - grow <= cy <= y1 + grow and inter / union >= 0.3


@pytest.mark.parametrize("index", [TWO_CITIZENS, ONE_SIDE_UPSIDE_DOWN])
def test_values_from_the_qr_code_and_the_mrz_are_boxed_where_they_are_printed(index, folder):
    """A value the QR code or the MRZ gave has the box of its print (or, for the codes themselves, their
    own zone): on the page it is printed on, mapped back to the file's page through that page's region."""
    truth, result = sheet(index, folder)
    pages = {page.number: page for page in result.pages}
    checked, missed = 0, []
    for expected, found in zip(truth["documents"], match_documents(truth["documents"], result), strict=True):
        for name, box in expected["boxes"].items():
            field = found.fields.get(name) if found is not None else None
            if field is None or field.source not in ("qr", "mrz"):
                continue
            checked += 1
            if _unread_print_boxed_at_its_code(pages.get(field.page), field.bbox, box):
                continue
            if field.bbox is None or field.page not in pages or not _on(to_source(pages[field.page], field.bbox), box):
                missed.append((name, field.source, field.page, field.bbox))
    assert checked >= 8 and not missed, missed


def _unread_print_boxed_at_its_code(page: Page | None, bbox: BBox | None, truth: list[float]) -> bool:
    """A side whose QR code decoded is read only in part (``ocr_rows``): a value printed outside those rows
    has no print to point at, and must have the code's own zone as its box."""
    if page is None or bbox is None or OCR_ROWS not in page.readings:
        return False
    top, bottom = (int(v) for v in page.readings[OCR_ROWS].split(","))
    read = to_source(page, (0, top, page.width, bottom))
    cx, cy = (truth[0] + truth[2]) / 2, (truth[1] + truth[3]) / 2
    outside = not (read[0] <= cx <= read[2] and read[1] <= cy <= read[3])
    return outside and bbox == qr_zone(page)


def test_a_front_and_a_back_pair_by_their_numbers_not_their_order():
    front = SideFacts("front", "cccd_2021", frozenset({"001090012345"}), frozenset(), 1, (100.0, 100.0))
    own_back = SideFacts("back", "cccd_2021", frozenset(), frozenset({"001090012845"}), 1, (100.0, 2000.0))
    other_back = SideFacts("back", "cccd_2021", frozenset({"079192381719"}), frozenset(), 1, (900.0, 100.0))
    assert pair_score(front, own_back) > 5  # one misread digit: the same number
    assert pair_score(front, other_back) is None  # another citizen's card, however near
    unknown_back = SideFacts("back", "cccd_2021", frozenset(), frozenset(), 1, (900.0, 100.0))
    assert pair_score(front, unknown_back) is not None
    other_variant = SideFacts("back", "can_cuoc_2024", frozenset(), frozenset(), 1, (100.0, 600.0))
    assert pair_score(front, other_variant) is None
    far_page = SideFacts("back", "cccd_2021", frozenset(), frozenset(), 3, None)
    assert pair_score(front, far_page) is None  # pages apart, nothing says they belong together


def test_a_born_digital_sheet_of_two_citizens_cards_is_cut_by_its_words(tmp_path):
    """A text-layer PDF holding two people's cards side by side: each side keeps its own words (no OCR),
    and the two cards are two documents whatever the order their sides come in."""
    from datetime import date
    import random as random_module

    from samples.generator.cards import CARD_H, CARD_W, make_id_card
    from samples.generator.forms import A4_W
    from samples.generator.layout import Page as Drawing
    from samples.generator.pdf import write_pdf
    from samples.generator.people import make_family

    rng = random_module.Random(11)
    today = date(2026, 6, 30)
    family = make_family(rng, today)
    cards = [make_id_card(rng, 7 + k, person, "cccd_2021", today) for k, person in enumerate(family.everyone[:2])]
    sheet = Drawing(A4_W, 297.0)
    left, gap = (A4_W - 2 * CARD_W - 8) / 2, 8
    for column, card in enumerate(cards):  # fronts on the first row, backs on the second
        for row, side in enumerate(card.pages):
            sheet.place(side, left + column * (CARD_W + gap), 30 + row * (CARD_H + 14))
    path = tmp_path / "two_cards.pdf"
    write_pdf(path, [sheet])
    result = process_file(path, workers=1).result
    assert len(result.pages) == 4 and all(p.source == "text_layer" and p.source_page == 1 for p in result.pages)
    found = sorted((d.fields["id_number"].value, sorted(d.pages)) for d in result.documents)
    assert [number for number, _ in found] == sorted(card.fields["id_number"] for card in cards)
    assert sorted(pages for _, pages in found) == [[1, 3], [2, 4]]  # each front with its own back below it
