"""Preparation: pages come out upright and straight, and a photographed card is cropped to the card."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import render
from tools.metrics import cer
from pipeline import prepare
from pipeline.prepare import (
    CARD_ASPECT,
    _cuts_a_text_line,
    _line_runs_across,
    _stacked_too_close,
    cards_by_print,
    estimate_orientation,
    prepare_page,
    prepare_regions,
)
from usecases.process import process_bytes
from pipeline.text import fold

SHORT_PAGE = render.PARAGRAPH[:6]


@pytest.fixture(scope="module")
def page():
    return render.render_page(SHORT_PAGE)


@pytest.mark.parametrize("skew", [-10.0, -4.5, 0.0, 2.0, 7.5, 10.0])
def test_skew_is_measured_within_half_a_degree(page, skew):
    rotation, measured = estimate_orientation(render.rotate(page, skew))
    assert rotation == 0
    assert abs(measured - skew) <= 0.5


@pytest.mark.parametrize(("turn", "skew"), [(90, 7.0), (180, -4.0), (270, 3.0), (0, 10.0)])
@pytest.mark.integration
def test_turned_and_skewed_scans_are_read_upright(page, turn, skew):
    scan = render.rotate(page, turn + skew)  # counter-clockwise, as a sheet put in the scanner askew
    result = process_bytes(render.encode(scan, ".png"), source=f"scan-{turn}.png").result
    read = result.pages[0]
    assert read.rotation == turn
    assert abs(read.skew - skew) <= 0.5
    assert cer("\n".join(SHORT_PAGE), read.text) <= 0.02


def test_phone_photo_of_a_card_is_cropped_to_the_card():
    photo = render.photograph(render.render_card())
    prepared = prepare_page(photo)
    assert prepared.cropped
    height, width = prepared.image.shape[:2]
    assert abs(width / height - CARD_ASPECT) < 0.03
    assert prepared.kind == "card"


@pytest.mark.integration
def test_phone_photo_of_a_card_reads_its_text():
    photo = render.photograph(render.render_card(), seed=2)
    result = process_bytes(render.encode(photo, ".jpg"), source="card.jpg").result
    text = result.pages[0].text
    assert result.pages[0].cropped
    assert "001190012345" in text
    # Tesseract's fast `vie` model sometimes reads the stacked marks of Ễ as Ê on photos: compare unmarked
    assert "nguyen van an" in fold(text)
    assert "Ngày sinh / Date of birth: 15/03/1990" in text


@pytest.fixture(scope="module")
def page_200_dpi():
    return render.render_page(SHORT_PAGE, dpi=200)


def test_a_clean_scan_is_left_as_it_is(page_200_dpi):
    prepared = prepare_page(page_200_dpi)
    assert prepared.unchanged
    assert prepared.image is page_200_dpi


def test_large_print_is_read_smaller(page):
    # 12 pt at 300 dpi: Tesseract reads it better (and faster) at about half the size
    prepared = prepare_page(page)
    assert 0.4 <= prepared.scale <= 0.6 and prepared.rotation == 0


def _photocopied_card() -> np.ndarray:
    """A card through a photocopier: its pale tint whitened to the paper's, a thin grey edge left."""
    gray = cv2.cvtColor(render.render_card(), cv2.COLOR_BGR2GRAY).astype(np.float32)
    copy = np.clip((gray - 128) * 1.6 + 150, 0, 255).astype(np.uint8)
    cv2.rectangle(copy, (0, 0), (copy.shape[1] - 1, copy.shape[0] - 1), 170, 3)
    return copy


def test_cards_photocopied_on_a_sheet_are_found_by_their_print_and_size():
    sheet = np.full((3508, 2480), 255, np.uint8)  # A4 at 300 dpi
    card = _photocopied_card()
    height, width = card.shape
    for top in (300, 1300):
        sheet[top: top + height, 350: 350 + width] = card
    regions = prepare_regions(sheet, dpi=300)
    assert len(regions) == 2  # each side on its own, top first
    for prepared, top in zip(regions, (300, 1300), strict=True):
        assert prepared.cropped and prepared.kind == "card"
        assert abs(prepared.image.shape[1] / prepared.image.shape[0] - CARD_ASPECT) < 0.03
        centre = prepared.region.mean(axis=0)  # where the image lies on the sheet
        assert abs(centre[0] - (350 + width / 2)) < 40 and abs(centre[1] - (top + height / 2)) < 40
    # without a resolution nothing tells a card from a box printed on a form: the page stays whole
    assert not prepare_page(sheet).cropped


def _sheet_of_cards(placements: list[tuple[int, int, int]], size: tuple[int, int] = (3508, 2480)) -> np.ndarray:
    """Photocopied cards pasted on a white A4 sheet at 300 dpi: (top, left, clockwise quarter turn) each."""
    sheet = np.full(size, 255, np.uint8)
    for top, left, turn in placements:
        card = _photocopied_card()
        card = {0: card, 90: cv2.rotate(card, cv2.ROTATE_90_CLOCKWISE), 180: cv2.rotate(card, cv2.ROTATE_180),
                270: cv2.rotate(card, cv2.ROTATE_90_COUNTERCLOCKWISE)}[turn]
        height, width = card.shape
        bottom, right = min(size[0], top + height), min(size[1], left + width)
        sheet[max(0, top):bottom, max(0, left):right] = card[max(0, -top):bottom - top, max(0, -left):right - left]
    return sheet


@pytest.mark.parametrize("placements", [
    [(400, 150, 0), (400, 1300, 0)],  # side by side, 9 mm apart
    [(300, 700, 0), (1200, 700, 90)],  # the back turned a quarter turn
    [(300, 700, 0), (1300, 700, 180)],  # the back upside down
    [(300, 150, 0), (300, 1300, 0), (1200, 150, 0), (1200, 1300, 0)],  # two citizens' cards
    [(-60, 700, 0), (1000, 700, 0)],  # the front 5 mm off the top of the page
])
def test_every_card_side_on_a_sheet_is_its_own_upright_image(placements):
    regions = prepare_regions(_sheet_of_cards(placements), dpi=300)
    assert len(regions) == len(placements)
    for prepared in regions:
        assert prepared.cropped and prepared.kind == "card"
        height, width = prepared.image.shape[:2]
        assert width > height  # turned upright (a half turn is left to the reading, which tries both)
    centres = sorted((r.region.mean(axis=0)[1], r.region.mean(axis=0)[0]) for r in regions)
    expected = sorted((top + (1011 if turn % 180 else 638) / 2, left + (638 if turn % 180 else 1011) / 2)
                      for top, left, turn in placements)
    for (y, x), (want_y, want_x) in zip(centres, expected, strict=True):
        assert abs(x - want_x) < 60 and abs(y - want_y) < 60


def test_a_page_of_text_is_not_taken_for_cards(page_200_dpi):
    assert prepare_page(page_200_dpi, dpi=200).unchanged


def test_text_resizing_never_makes_a_page_bigger_than_tesseract_can_hold():
    from pipeline.prepare import MAX_OCR_PIXELS, normalise_text_size

    huge = np.full((6000, 8000), 255, np.uint8)  # 48 MP, with glyphs misjudged as 10 px: 3× would be 432 MP
    sized, scale = normalise_text_size(huge, char_height=10, target=30)
    assert sized.size <= MAX_OCR_PIXELS and scale < 1.2
    small, small_scale = normalise_text_size(np.full((600, 800), 255, np.uint8), char_height=10, target=30)
    assert small_scale == 3.0 and small.shape == (1800, 2400)


PX_PER_MM = 3.0  # an analysis copy of an A4 sheet photographed whole


def _mm(value: float) -> int:
    return int(round(value * PX_PER_MM))


def _text_line(ink: np.ndarray, top_mm: float, left_mm: float, right_mm: float, word_mm: float = 12.0,
               space_mm: float = 1.3) -> None:
    """Ink a line of 2-mm print from ``left_mm`` to ``right_mm``, words split by ``space_mm`` blanks."""
    x = left_mm
    while x < right_mm:
        end = min(x + word_mm, right_mm)
        ink[_mm(top_mm):_mm(top_mm + 2), _mm(x):_mm(end)] = 1
        x = end + space_mm


def _two_column_form() -> np.ndarray:
    """The ink of a form: two columns of lines, one line running across both, and two columns below it
    (the place of registration above the signatures)."""
    ink = np.zeros((_mm(297), _mm(210)), np.uint8)
    for top in [40 + 5 * row for row in range(8)] + [100 + 5 * row for row in range(7)]:
        _text_line(ink, top, 20, 98, word_mm=200)
        _text_line(ink, top, 108, 180, word_mm=200)
    _text_line(ink, 95, 20, 99, word_mm=200)  # a word space falls between the columns
    _text_line(ink, 95, 100.3, 180, word_mm=200)
    return ink


def test_a_forms_columns_with_a_line_across_them_are_not_taken_for_cards(monkeypatch):
    form = _two_column_form()
    assert cards_by_print(None, PX_PER_MM, form, skew=0.0) == []
    # what the rule stops: without it the line is cut at a word space and the form passes for four sides
    monkeypatch.setattr(prepare, "WORD_SPACE_MM", 0.0)
    assert len(cards_by_print(None, PX_PER_MM, form, skew=0.0)) == 4


def _form_in_two_paragraphs() -> np.ndarray:
    """A form's text as a photo of a sheet's detail shows it: two paragraphs of 20 lines at a 4.5-mm pitch, a
    blank line's worth more between them."""
    ink = np.zeros((_mm(297), _mm(210)), np.uint8)
    top = 20.0
    for _paragraph in range(2):
        for row in range(20):
            _text_line(ink, top, 12, 182 - (row % 4) * 8, word_mm=200)
            top += 4.5
        top += 2.0
    return ink


def test_a_forms_text_cut_between_two_lines_is_not_taken_for_stacked_cards(monkeypatch):
    form = _form_in_two_paragraphs()
    assert cards_by_print(None, PX_PER_MM, form, skew=0.0, scales=prepare.CUT_SHEET_SCALES) == []
    # what the rule stops: without it the paragraphs pass for two sides of a card enlarged on the sheet
    monkeypatch.setattr(prepare, "STACKED_GAP_SHARE", 0.0)
    assert len(cards_by_print(None, PX_PER_MM, form, skew=0.0, scales=prepare.CUT_SHEET_SCALES)) == 2


def test_stacked_sides_are_a_forms_lines_only_when_nearer_than_two_cards_margins():
    card = (_mm(85.6), _mm(54))
    upper = (_mm(20), _mm(20), _mm(100), _mm(70))
    assert _stacked_too_close([upper, (_mm(22), _mm(72), _mm(100), _mm(120))], card)  # 2 mm below: a line gap
    assert not _stacked_too_close([upper, (_mm(22), _mm(80), _mm(100), _mm(130))], card)  # 10 mm: two cards
    assert not _stacked_too_close([upper, (_mm(110), _mm(72), _mm(190), _mm(120))], card)  # beside, not below


def test_print_side_by_side_is_one_line_only_across_a_word_space():
    ink = np.zeros((_mm(60), _mm(200)), np.uint8)
    _text_line(ink, 10, 10, 100, word_mm=200)  # a word ending at 100 mm ...
    _text_line(ink, 10, 101.3, 190, word_mm=200)  # ... and the next 1.3 mm on, on the same rows
    left, right = (_mm(10), _mm(10), _mm(100), _mm(12)), (_mm(101.3), _mm(10), _mm(190), _mm(12))
    assert _line_runs_across(ink, left, right, PX_PER_MM)
    far = np.zeros_like(ink)  # the same print 8 mm apart: two cards' print keeps its margins
    _text_line(far, 10, 10, 100, word_mm=200)
    _text_line(far, 10, 108, 190, word_mm=200)
    assert not _line_runs_across(far, left, (_mm(108), _mm(10), _mm(190), _mm(12)), PX_PER_MM)
    staggered = np.zeros_like(ink)  # close, but on other rows: no line runs on
    _text_line(staggered, 10, 10, 100, word_mm=200)
    _text_line(staggered, 20, 101.3, 190, word_mm=200)
    assert not _line_runs_across(staggered, (_mm(10), _mm(10), _mm(100), _mm(22)),
                                 (_mm(101.3), _mm(10), _mm(190), _mm(22)), PX_PER_MM)


def test_only_a_line_running_into_a_card_side_makes_the_blocks_a_forms_text():
    ink = np.zeros((_mm(297), _mm(210)), np.uint8)
    _text_line(ink, 30, 15, 93)  # a card side's line of print
    side = (_mm(15), _mm(30), _mm(93), _mm(32))
    # the lid's shadow along the bottom edge, broken into pieces a word space apart: no card's print
    ink[_mm(293):_mm(294.5), _mm(150):_mm(160)] = 1
    ink[_mm(293):_mm(294.5), _mm(162):_mm(180)] = 1
    pieces = [(_mm(150), _mm(293), _mm(160), _mm(294.5)), (_mm(162), _mm(293), _mm(180), _mm(294.5))]
    assert not _cuts_a_text_line(ink, [side, *pieces], [side], PX_PER_MM)
    _text_line(ink, 30, 94.3, 120)  # the side's line running on past a word space: a form's
    beyond = (_mm(94.3), _mm(30), _mm(120), _mm(32))
    assert _cuts_a_text_line(ink, [side, beyond, *pieces], [side], PX_PER_MM)


def test_cards_on_a_sheet_photographed_on_a_desk_with_the_sheet_running_off_the_frame_are_each_found():
    # two citizens' cards photocopied on a sheet, photographed turned 7° on a dark desk; the frame cuts the
    # sheet's right and bottom edges, so no outline closes around it
    sheet = cv2.cvtColor(_sheet_of_cards([(300, 150, 0), (300, 1300, 0), (1200, 150, 0), (1200, 1300, 0)],
                                         size=(2300, 2480)), cv2.COLOR_GRAY2BGR)
    photo_size = (2600, 3000)  # height, width
    turn = cv2.getRotationMatrix2D((1240, 1150), 7, 1.0)
    turn[:, 2] += (500, 450)  # the sheet moved towards the lower right: the frame cuts its edges there
    photo = cv2.warpAffine(sheet, turn, photo_size[::-1], borderValue=(40, 45, 38))
    regions = prepare_regions(photo, dpi=300)
    assert len(regions) == 4 and all(prepared.kind == "card" for prepared in regions)
    # a scan of a page whose paper runs all round the frame is not taken for a sheet on a desk
    assert prepare._paper_cut_by_frame(*prepare.shrink(sheet)) is None


def test_a_side_whose_tint_the_scan_lost_is_found_by_its_print_beside_a_side_whose_outline_stands_out():
    # a scan whose lid darkens every edge (so the paper does not run along the frame): the front keeps its tint and
    # outline, the back beside it, lower, whitened to the paper, shows none
    scan = np.full((2480, 3508), 255, np.uint8)
    front = cv2.cvtColor(render.render_card(), cv2.COLOR_BGR2GRAY)
    height, width = front.shape
    scan[300:300 + height, 400:400 + width] = front
    back = np.clip((front.astype(np.float32) - 128) * 1.6 + 150, 0, 255).astype(np.uint8)
    scan[700:700 + height, 2000:2000 + width] = back
    scan[:45], scan[-45:], scan[:, :45], scan[:, -45:] = 80, 80, 80, 80
    small, factor = prepare.shrink(scan)
    outlined = prepare.DocumentQuad(np.array([[400, 300], [400 + width, 300], [400 + width, 300 + height],
                                              [400, 300 + height]], np.float32), "card")
    found = prepare._cards_on_scan(small, factor, 300 / 25.4 * factor, [outlined], [])
    assert len(found) == 2 and all(quad.kind == "card" for quad in found)
    centres = sorted(quad.corners.mean(axis=0)[0] for quad in found)
    assert abs(centres[0] - (400 + width / 2)) < 60 and abs(centres[1] - (2000 + width / 2)) < 60


def test_cards_on_a_shaded_sheet_running_off_the_frame_are_found_whatever_the_shade_at_the_papers_edge():
    # two citizens' cards stacked on a sheet lit from the left: the paper darkens to two thirds towards its right
    # and top edges, where it meets the desk; the frame cuts its right and bottom edges
    sheet = _sheet_of_cards([(500, 700, 0), (1500, 700, 0)]).astype(np.float32)
    rows, columns = np.mgrid[0:sheet.shape[0], 0:sheet.shape[1]]
    shade = 1.0 - 0.35 * np.maximum(columns / sheet.shape[1], 1.0 - rows / (0.3 * sheet.shape[0])).clip(0, 1) ** 2
    sheet = cv2.cvtColor((sheet * shade).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    turn = cv2.getRotationMatrix2D((1240, 1754), -6, 0.75)
    turn[:, 2] += (200, 300)  # the sheet moved right and down, past the frame
    photo = cv2.warpAffine(sheet, turn, (2300, 3000), borderValue=(30, 70, 140))
    regions = prepare_regions(photo, dpi=300)
    assert len(regions) == 2 and all(prepared.kind == "card" for prepared in regions)


def test_cards_on_a_photo_of_part_of_a_sheet_are_found_larger_than_on_a_whole_sheet():
    # a close photo of two stacked card sides: the paper seen is about half a sheet wide, so the cards are about
    # twice the size a whole A4 sheet as wide would give; the desk shows along the paper's top and left edges
    detail = _sheet_of_cards([(300, 350, 0), (1150, 350, 0)])[150:2000, 250:1500]
    paper = cv2.cvtColor(detail, cv2.COLOR_GRAY2BGR)
    turn = cv2.getRotationMatrix2D((625, 925), -3, 1.0)
    turn[:, 2] += (160, 140)  # the paper's right and bottom edges run off the frame
    photo = cv2.warpAffine(paper, turn, (1400, 1900), borderValue=(70, 72, 68))
    regions = prepare_regions(photo, dpi=None)
    assert len(regions) == 2 and all(prepared.kind == "card" for prepared in regions)
    tops = sorted(prepared.region.mean(axis=0)[1] for prepared in regions)
    assert tops[0] < 700 < tops[1]
