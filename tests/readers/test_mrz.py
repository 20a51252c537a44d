import pytest

from extractors.readers.mrz import mrz_check_digit, parse_td1

# A real-format Vietnamese MRZ (synthetic person): the check digits hold.
GOOD = ["IDVNM0930470641001093047064<<2",
        "9301054M3301052VNM<<<<<<<<<<<8",
        "UNG<<HOANG<HIEP<<<<<<<<<<<<<<<"]


def make_mrz(id_number: str, birth: str, sex: str, expiry: str, name: str) -> list[str]:
    """Three TD1 lines for a Vietnamese card, check digits computed (birth/expiry YYMMDD)."""
    doc = id_number[3:]
    line1 = "IDVNM" + doc + mrz_check_digit(doc) + id_number + "<<" + mrz_check_digit(id_number)
    line2 = birth + mrz_check_digit(birth) + sex + expiry + mrz_check_digit(expiry) + "VNM" + "<" * 11
    line2 += mrz_check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    line3 = (name + "<" * 30)[:30]
    return [line1, line2, line3]


def test_check_digit_examples():
    assert mrz_check_digit("093047064") == "1"
    assert mrz_check_digit("930105") == "4"
    assert mrz_check_digit("L898902C3") == "6"  # ICAO 9303 specimen
    assert mrz_check_digit("<<<<") == "0"
    with pytest.raises(ValueError):
        mrz_check_digit("ab")


def test_make_mrz_reproduces_the_real_layout():
    assert make_mrz("001093047064", "930105", "M", "330105", "UNG<<HOANG<HIEP") == GOOD


def test_clean_mrz():
    r = parse_td1("\n".join(GOOD))
    assert r is not None and r.valid and not r.repaired
    assert (r.document_number, r.id_number) == ("093047064", "001093047064")
    assert (r.birth_date, r.sex, r.expiry_date, r.no_expiry) == ("1993-01-05", "Nam", "2033-01-05", False)
    assert (r.nationality, r.surname, r.given_names, r.name) == ("VNM", "UNG", "HOANG HIEP", "UNG HOANG HIEP")
    assert r.checks == {"document_number": True, "birth_date": True, "expiry_date": True, "id_number": True,
                        "composite": True}
    assert r.lines == tuple(GOOD)


def test_noisy_ocr_text_with_spaces_guillemets_k_and_letters_for_digits():
    text = ("MẶT SAU / BACK\nĐặc điểm nhân dạng: Nốt ruồi\n"
            "IDVNM O93O47O64 1OO1O93O47O64«2\n"
            "93O1O54M33O1O52VNM<<<<<KK<<<<8\n"
            "UNG<<HOANG<HIEPK<<<<<<<<<<<<<<\n")
    r = parse_td1(text)
    assert r is not None and r.valid and r.repaired
    assert r.id_number == "001093047064" and r.birth_date == "1993-01-05"
    assert r.lines == tuple(GOOD)
    assert r.checks["composite"]


def test_lines_one_character_off():
    long_line = ["IDVNM0930470641001093047064<<<2", GOOD[1], GOOD[2]]  # a doubled filler
    short_line = [GOOD[0], "9301054M3301052VNM<<<<<<<<<<8", GOOD[2]]  # a lost filler
    for lines in (long_line, short_line):
        r = parse_td1(lines)
        assert r is not None and r.valid and r.lines[:2] == tuple(GOOD[:2])


def test_wrong_check_digit_is_refused():
    bad = [GOOD[0].replace("0641", "0642"), GOOD[1], GOOD[2]]  # document number check digit
    assert parse_td1(bad) is None
    loose = parse_td1(bad, require_checks=False)
    assert loose is not None and not loose.valid and not loose.checks["document_number"]
    wrong_birth = [GOOD[0], "9301064M3301052VNM<<<<<<<<<<<8", GOOD[2]]  # a digit misread as another
    assert parse_td1(wrong_birth) is None


def test_repair_only_where_the_check_digit_holds():
    # "S" for "5" in the expiry fixes it; "B" for "3" (not a lookalike) cannot be repaired
    fixed = parse_td1([GOOD[0], "9301054M33O1O52VNM<<<<<<<<<<<8", GOOD[2]])
    assert fixed is not None and fixed.expiry_date == "2033-01-05" and fixed.repaired
    assert parse_td1([GOOD[0], "9301054MB301052VNM<<<<<<<<<<<8", GOOD[2]]) is None


def test_composite_reported_not_required():
    lines = [GOOD[0], GOOD[1][:-1] + "3", GOOD[2]]
    r = parse_td1(lines)
    assert r is not None and r.valid and r.checks["composite"] is False


def test_century_from_id_number():
    # born 1925: YY 25 alone would read as 2025; the id's century digit (1 = 1900s, female) settles it
    old = parse_td1(make_mrz("038125001234", "250301", "F", "<<<<<<", "TRAN<<THI<BE"))
    assert old.birth_date == "1925-03-01" and old.sex == "Nữ"
    young = parse_td1(make_mrz("079205001234", "050607", "M", "300607", "LE<<MINH<KHANG"))
    assert young.birth_date == "2005-06-07" and young.expiry_date == "2030-06-07"


def test_no_expiry():
    r = parse_td1(make_mrz("038125001234", "250301", "F", "<<<<<<", "TRAN<<THI<BE"))
    assert r is not None and r.valid and r.no_expiry and r.expiry_date is None


def test_names_with_k_and_digit_damage():
    lines = make_mrz("079205001234", "050607", "M", "300607", "KIEU<<KHANH<KIM")
    r = parse_td1(lines)
    assert (r.surname, r.given_names) == ("KIEU", "KHANH KIM")
    lines[2] = lines[2].replace("KIM", "K1M")
    assert parse_td1(lines).given_names == "KHANH KIM"


def test_lines_joined_into_one():
    assert parse_td1("".join(GOOD)).id_number == "001093047064"


def test_no_mrz():
    assert parse_td1("CĂN CƯỚC CÔNG DÂN\nHọ và tên: NGUYỄN VĂN AN") is None
    assert parse_td1("") is None


# Tesseract 5 output (eng, psm 6, MRZ whitelist) of OCR-B renderings of synthetic cards.
TESSERACT_K_IN_FILLER = "IDVNM0013785969001001378596<<0\n0103244M3901016VNM<<<<<<<<<<K<2\nLE<<HOANG<KHANH<<<<<<<<<<<<\n"
TESSERACT_SHORT_LINE2 = "IDVNM1042567245001104256724<<6\n0404022F4301015VNM<<<<<<\nNGUYEN<<VAN<KAN<X<<K<<<K\n"
# Tesseract vie on the same font reads 3 as 5: digit-for-digit damage no repair may touch.
TESSERACT_VIE_3_AS_5 = ("I1DVNM1411855041079141185504<<1\n4106069F 5401011VNM<<<<<<<<<<<8\n"
                        "LE<<H0ANG<KHANH<<<<<<<<<<<<<<<\n")


def test_tesseract_outputs():
    r = parse_td1(TESSERACT_K_IN_FILLER)
    assert r.valid and r.checks["composite"] and r.id_number == "001001378596" and r.name == "LE HOANG KHANH"
    r = parse_td1(TESSERACT_SHORT_LINE2)  # eleven fillers read as six, composite digit lost
    # every part the composite covers is checked on its own: the lost digit is computed, as a repair
    assert r.valid and r.checks["composite"] and r.repaired and r.id_number == "001104256724"
    assert r.lines[1] == "0404022F4301015VNM<<<<<<<<<<<4"
    assert (r.birth_date, r.sex, r.expiry_date) == ("1904-04-02", "Nữ", "2043-01-01")
    assert r.surname == "NGUYEN" and r.given_names.startswith("VAN")
    assert parse_td1(TESSERACT_VIE_3_AS_5) is None
    loose = parse_td1(TESSERACT_VIE_3_AS_5, require_checks=False)
    assert loose is not None and loose.id_number is None  # a failed id check digit is not passed on


def test_line1_head_misread():
    for head in ("TDVNM", "1DVNM", "I1DVNM", "IDVHM"):
        r = parse_td1([head + GOOD[0][5:], GOOD[1], GOOD[2]])
        assert r is not None and r.lines[0] == GOOD[0] and r.issuing_state == "VNM"



def test_a_composite_digit_read_as_a_filler_is_computed_only_when_every_part_it_covers_is_checked():
    lines = make_mrz("095611848400", "950911", "M", "350911", "NGUYEN<<TIEN<HAI")
    lost = "\n".join([lines[0], lines[1][:29] + "<", lines[2]])
    r = parse_td1(lost)
    assert r.checks["composite"] and r.repaired and r.lines[1] == lines[1]
    damaged_id = "\n".join([lines[0][:29] + "<", lines[1][:29] + "<", lines[2]])  # no id check digit either
    assert not parse_td1(damaged_id).checks["composite"]
