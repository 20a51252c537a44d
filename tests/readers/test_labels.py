import subprocess
import sys

import pytest

from extractors.readers import labels
from extractors.readers.labels import find_all_labels, find_label, lines_from_words, prepare
from schemas.models import Word


def page(*texts: str) -> list[list[Word]]:
    """Lines of words with made-up boxes: 10 px a character, 8 px between words."""
    lines = []
    for li, text in enumerate(texts):
        words, x = [], 10
        for token in text.split():
            box = (x, li * 30, x + 10 * len(token), li * 30 + 20)
            words.append(Word(text=token, confidence=0.9, bbox=box, line=li))
            x += 10 * len(token) + 8
        lines.append(words)
    return lines


CARD = page(
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Số định danh cá nhân / Personal identification number: 001093012345",
    "Hộ và tến / Full name:",
    "NGUYỄN VĂN AN",
    "Ngàv sỉnh / Date of birth: 28I04I1993",
    "Giới tính/Sex: Nam Quốc tịch/Nationality: Việt Nam",
    "Nơi sinh: Hà Nội",
    "Số: 123/2024",
    "Họ và tên:TRẦN THỊ BÌNH",
)


@pytest.fixture(params=[False, True], ids=["rapidfuzz", "spacy"])
def use_spacy(request):
    if request.param:
        pytest.importorskip("spacy", reason="spaCy is the optional extra hoso[nlp]")
    return request.param


@pytest.fixture
def without_spacy(monkeypatch):
    """spaCy hidden, as where the optional extra is not installed: ``import spacy`` raises ImportError."""
    monkeypatch.setitem(sys.modules, "spacy", None)
    monkeypatch.setattr(labels, "_nlp", None)


def test_exact_after_folding_ocr_damaged_label(use_spacy):
    hit = find_label(CARD, ["Họ và tên / Full name", "Họ và tên"], use_spacy=use_spacy)
    assert hit is not None
    assert (hit.line_index, hit.word_start, hit.word_end) == (2, 0, 6)
    assert hit.exact and hit.label == "Họ và tên / Full name"
    assert hit.value_words == []  # the name is on the next line
    assert hit.bbox == (10, 60, 220, 80)


def test_fuzzy_label_and_value_after_bilingual_label(use_spacy):
    hit = find_label(CARD, ["Ngày sinh / Date of birth", "Ngày sinh"], use_spacy=use_spacy)
    assert hit is not None and hit.line_index == 4
    assert 0.8 <= hit.score < 1.0
    assert hit.value_text == "28I04I1993"
    assert hit.value_bbox == hit.value_words[0].bbox


def test_ngay_sinh_does_not_take_noi_sinh(use_spacy):
    hits = find_all_labels(CARD, ["Ngày sinh"], avoid=["Nơi sinh"], use_spacy=use_spacy)
    assert [h.line_index for h in hits] == [4]
    assert find_label(page("Nơi sinh: Hà Nội"), ["Ngày sinh"], use_spacy=use_spacy) is None


def test_short_label_prefers_longest_label_with_avoid(use_spacy):
    bare = find_all_labels(CARD, ["Số"], use_spacy=use_spacy)
    assert {h.line_index for h in bare} == {1, 7}  # "Số" alone also starts line 1
    hits = find_all_labels(CARD, ["Số"], avoid=["Số định danh cá nhân"], use_spacy=use_spacy)
    assert [(h.line_index, h.value_text) for h in hits] == [(7, "123/2024")]


def test_longest_variant_wins_overlap(use_spacy):
    hits = find_all_labels(CARD, ["Số", "Số định danh cá nhân / Personal identification number"], use_spacy=use_spacy)
    line1 = [h for h in hits if h.line_index == 1]
    assert len(line1) == 1 and line1[0].token_count == 8
    assert line1[0].value_text == "001093012345"


def test_of_two_labels_matched_loosely_over_the_same_words_the_closer_wins_not_the_longer(use_spacy):
    # "sinh" misread beyond recognition: the window of "Ngày, tháng, năm" and one more word is nearer the birth
    # date's label than the registration date's, which only its extra length had made win
    lines = page("Ngày, tháng, năm ‡iDN) 09A 00157 ca ho")
    hits = find_all_labels(lines, ["Ngày, tháng, năm sinh", "Ngày, tháng, năm đăng ký"], use_spacy=use_spacy)
    assert [h.label for h in hits] == ["Ngày, tháng, năm sinh"] and hits[0].score < labels.STRONG_SCORE
    # a bilingual label matched about as well as its halves stays whole
    card = page("Nơi thườyig trú / Plạce efresidence: Số 3 ngõ 32 phố Máy Tơ")
    whole = find_all_labels(card, ["Nơi thường trú / Place of residence", "Nơi thường trú", "Place of residence"],
                            use_spacy=use_spacy)
    assert [h.label for h in whole] == ["Nơi thường trú / Place of residence"]
    exact = find_all_labels(page("Ngày, tháng, năm đăng ký: 21/06/2023"),
                            ["Ngày, tháng, năm sinh", "Ngày, tháng, năm đăng ký"], use_spacy=use_spacy)
    assert [h.label for h in exact] == ["Ngày, tháng, năm đăng ký"]


def test_a_label_whose_blanks_ocr_lost_is_found_as_one_word_but_never_as_an_exact_read(use_spacy):
    lines = page("Nơicưtrú/Placeofresidence Số 5 phố Huế", "Nơi sinh Hà Nội")
    hits = find_all_labels(lines, ["Nơi cư trú / Place of residence", "Nơi sinh"], use_spacy=use_spacy)
    glued = [h for h in hits if h.line_index == 0]
    assert len(glued) == 1 and glued[0].value_text == "Số 5 phố Huế" and glued[0].score < labels.STRONG_SCORE
    assert not find_all_labels(page("Nơicưtrú Số 5"), ["Nơi sinh"], use_spacy=use_spacy)  # a short label: only as spaced


def test_stop_at_cuts_value_at_next_label(use_spacy):
    sex = find_label(CARD, ["Giới tính / Sex", "Giới tính"], stop_at=["Quốc tịch / Nationality", "Quốc tịch"],
                     use_spacy=use_spacy)
    assert sex.label == "Giới tính / Sex" and sex.value_text == "Nam"
    nationality = find_label(CARD, ["Quốc tịch / Nationality"], use_spacy=use_spacy)
    assert nationality.value_text == "Việt Nam"


def test_value_glued_to_label(use_spacy):
    hits = find_all_labels(CARD, ["Họ và tên"], use_spacy=use_spacy)
    glued = [h for h in hits if h.line_index == 8][0]
    assert glued.value_text == "TRẦN THỊ BÌNH"
    first = glued.value_words[0]
    assert first.text == "TRẦN" and first.bbox[0] > glued.bbox[0]


def test_split_and_merged_words():
    lines = page("Ng ày sinh: 01/01/2000", "Hovà tên: LÊ VĂN TÁM")
    assert find_label(lines, ["Ngày sinh"]).value_text == "01/01/2000"
    assert find_label(lines, ["Họ và tên"]).value_text == "LÊ VĂN TÁM"


def test_unrelated_line_is_not_a_label():
    assert find_label(page("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
                      ["Quê quán", "Nơi thường trú", "Họ và tên"]) is None


def test_lines_from_words_groups_by_line():
    words = [w for line in CARD[:3] for w in line][::-1]
    grouped = lines_from_words(words)
    assert [len(line) for line in grouped] == [len(line) for line in CARD[:3]]


def test_both_paths_agree_on_a_full_page():
    pytest.importorskip("spacy", reason="spaCy is the optional extra hoso[nlp]")
    lines = page(*(f"{label}: giá trị {i}" for i, label in enumerate(
        ["Họ và tên", "Ngày sinh", "Giới tính", "Quốc tịch", "Quê quán", "Nơi thường trú", "Dân tộc", "Nơi sinh"] * 7)))
    prepared = prepare(lines)
    variants = ["Họ và tên", "Ngàysinh", "Giói tính", "Quốc tich", "Que quan", "Nơi thường trú", "Dân tộc",
                "Nơi sinh", "Nơi đăng ký khai sinh", "Quan hệ với chủ hộ"]
    fast = [find_all_labels(prepared, [v], use_spacy=False) for v in variants]
    slow = [find_all_labels(prepared, [v], use_spacy=True) for v in variants]
    assert fast == slow
    assert all(len(hits) == 7 for hits in fast[:8])


def test_importing_labels_does_not_import_spacy():
    code = "import sys, extractors.readers.labels as l; l.find_label([], ['Họ và tên']); print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_warm_up_makes_spacy_ready():
    pytest.importorskip("spacy", reason="spaCy is the optional extra hoso[nlp]")
    assert labels.warm_up_spacy() is True
    assert labels.spacy_ready()


def test_without_spacy_every_path_reads_the_labels_with_rapidfuzz(without_spacy):
    assert labels.warm_up_spacy() is False and not labels.spacy_ready()
    for use_spacy in (None, True, False):
        hit = find_label(CARD, ["Họ và tên / Full name", "Họ và tên"], use_spacy=use_spacy)
        assert hit is not None and hit.exact and (hit.line_index, hit.word_start, hit.word_end) == (2, 0, 6)
        sex = find_label(CARD, ["Giới tính / Sex"], stop_at=["Quốc tịch / Nationality"], use_spacy=use_spacy)
        assert sex.value_text == "Nam"


def test_overlapping_hits_kept_on_request():
    kept = find_all_labels(CARD, ["Số", "Số định danh cá nhân"], exclude_overlaps=False)
    on_line1 = sorted((h.label, h.word_start) for h in kept if h.line_index == 1)
    assert on_line1 == [("Số", 0), ("Số định danh cá nhân", 0)]


def test_a_label_ends_at_a_colon_even_when_the_value_folds_like_its_next_word(use_spacy):
    # "VÕ" and "vợ" fold alike: the colon shows the label was "Họ, chữ đệm, tên", not "... tên vợ"
    hits = find_all_labels(page("Họ, chữ đệm, tên: VÕ ANH ĐẠT"), ["Họ, chữ đệm, tên vợ", "Họ, chữ đệm, tên"],
                           use_spacy=use_spacy)
    assert [(h.label, h.value_text) for h in hits] == [("Họ, chữ đệm, tên", "VÕ ANH ĐẠT")]


def test_a_label_wrapped_in_its_table_cell_is_the_whole_label(use_spacy):
    """A marriage certificate's two-column row: "Ngày, tháng, năm" then the dates, and "sinh:" on the line below
    under the label's first word: found as surely as printed on one line."""
    wrapped = page("Ngày, tháng, năm 14/07/1980 06/10/1980", "sinh:", "Dân tộc: Kinh Kinh")
    hit = find_label(wrapped, ["Ngày, tháng, năm sinh"], use_spacy=use_spacy)
    assert hit is not None and hit.score == 1.0 and hit.value_text == "14/07/1980 06/10/1980"
    # the whole label on one line, the running text below opening with a word alike ("nhận" for nhân)
    running = page("Tình trạng hôn nhân: Đang có chồng là ông Đỗ Quang Hưng (Giấy chứng", "nhận kết hôn số 79")
    hit = find_label(running, ["Tình trạng hôn nhân"], use_spacy=use_spacy)
    assert hit is not None and hit.value_text.startswith("Đang có chồng")
    # a value below the label that opens with the word ("VÕ QUANG NAM" under "tên chồng:") is no wrapped "tên vợ"
    columns = page("Họ, chữ đệm, tên chồng: ", "VÕ QUANG NAM")
    hit = find_label(columns, ["Họ, chữ đệm, tên vợ"], use_spacy=use_spacy)
    assert hit is None or hit.score < 1.0
    # the last word elsewhere, or no last word: a partial match stays partial
    for other in (page("Ngày, tháng, năm 14/07/1980", "Dân tộc: Kinh"),
                  page("Ngày, tháng, năm 14/07/1980", "", "", "sinh:")):
        hit = find_label(other, ["Ngày, tháng, năm sinh"], use_spacy=use_spacy)
        assert hit is not None and hit.score < 1.0
