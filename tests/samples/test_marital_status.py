"""The generator's Giấy xác nhận tình trạng hôn nhân (marital_status_confirmation): its truth
fields, determinism, and that the printed text carries the truth values."""

from __future__ import annotations

import calendar
import hashlib
import json
import random
import re
import unicodedata
from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from samples.generator import CONDITIONS, DOCUMENT_TYPES, generate
from samples.generator.cli import build_parser
from samples.generator.dossier import TODAY, make_document, plan
from samples.generator.people import make_family

MSC = "marital_status_confirmation"
CONTRACT_FIELDS = ["certificate_number", "full_name", "date_of_birth", "sex", "ethnicity", "nationality", "id_number",
                   "residence", "marital_status", "purpose", "valid_until", "issuing_authority", "issue_date"]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def msc_set(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, dict]]:
    """One file per condition that a non-card type can take (card_sides_separate drops out)."""
    out = tmp_path_factory.mktemp("msc")
    files = generate(out, count=6, seed=31, types=[MSC], workers=1)
    return [(f, json.loads((f.parent / f"{f.stem}.truth.json").read_text(encoding="utf-8"))) for f in files]


def _built(count: int = 80) -> list:
    """Documents built directly: many seeds reach every style branch quickly."""
    return [make_document(random.Random(f"msc:{s}"), s, MSC) for s in range(count)]


def _six_months_after(d: date) -> date:
    year, month0 = divmod(d.month - 1 + 6, 12)
    year, month = d.year + year, month0 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _dmy(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _flat(text: str) -> str:
    """Printed text without leader dots and line breaks (no truth value of this type has a '.')."""
    return " ".join(text.replace(".", " ").split())


def check_fields(f: dict) -> None:
    assert list(f) == CONTRACT_FIELDS
    for key, value in f.items():
        assert isinstance(value, str) and value, key
        assert unicodedata.is_normalized("NFC", value) and value == " ".join(value.split()), key
    assert re.fullmatch(r"\d{1,3}/UBND-XNTTHN", f["certificate_number"])
    assert f["full_name"] == f["full_name"].upper()
    for key in ("date_of_birth", "valid_until", "issue_date"):
        assert ISO_DATE.match(f[key]), key
    issued = date.fromisoformat(f["issue_date"])
    assert f["date_of_birth"] < f["issue_date"] <= TODAY.isoformat()
    assert date.fromisoformat(f["valid_until"]) == _six_months_after(issued)
    assert f["sex"] in ("Nam", "Nữ")
    number = f["id_number"]
    assert re.fullmatch(r"\d{12}", number)
    year = int(f["date_of_birth"][:4])
    assert int(number[3]) // 2 == year // 100 - 19 and number[4:6] == f"{year % 100:02d}"
    assert int(number[3]) % 2 == (1 if f["sex"] == "Nữ" else 0)
    match = re.fullmatch(r"Ủy ban nhân dân (phường|xã|thị trấn|đặc khu) (.+)", f["issuing_authority"])
    assert match, f["issuing_authority"]
    assert f"{match[1].capitalize()} {match[2]}," in f["residence"]   # the committee where the person lives
    assert not f["marital_status"].endswith(".") and f["marital_status"][0].isupper()
    assert not f["purpose"].endswith(".") and f["purpose"][0].islower()


def check_printed(text: str, f: dict) -> None:
    flat = _flat(text)
    upper = flat.upper()
    for key in ("certificate_number", "full_name", "sex", "ethnicity", "nationality", "id_number", "residence",
                "marital_status", "purpose"):
        assert _flat(f[key]) in flat, (key, f[key])
    assert _dmy(f["date_of_birth"]) in flat
    assert f"giá trị sử dụng đến ngày {_dmy(f['valid_until'])}" in flat
    issued = date.fromisoformat(f["issue_date"])
    assert f"ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}" in flat
    assert f["issuing_authority"].upper() in upper
    assert "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN" in flat and "XÁC NHẬN:" in flat


def test_type_is_in_the_default_plan_and_the_cli() -> None:
    assert MSC in DOCUMENT_TYPES
    items = plan(5 * len(CONDITIONS), seed=3, conditions=None, types=None)
    assert {i.condition for i in items if i.doc_type == MSC} == set(CONDITIONS) - {"multi_pdf", "card_sides_separate"}
    args = build_parser().parse_args(["--out", "x", "--types", MSC])
    assert args.types == [MSC]
    only = plan(12, seed=3, conditions=None, types=[MSC])
    assert {i.doc_type for i in only} == {MSC, "dossier"}
    assert "card_sides_separate" not in {i.condition for i in only}


def test_truth_fields_present_and_well_formed(msc_set) -> None:
    seen = set()
    for _path, truth in msc_set:
        seen.add(truth["condition"])
        for doc in truth["documents"]:
            assert doc["document_type"] == MSC and doc["side"] is None and doc["variant"] is None
            check_fields(doc["fields"])
    assert seen == set(CONDITIONS) - {"card_sides_separate"}
    for doc in _built():
        check_fields(doc.fields)


def test_values_are_varied() -> None:
    docs = _built()
    statuses = " | ".join(d.fields["marital_status"] for d in docs)
    for phrase in ("Chưa đăng ký kết hôn", "ly hôn theo", "đã chết", "là bà", "là ông"):
        assert phrase in statuses, phrase
    purposes = {d.fields["purpose"] for d in docs}
    assert any("kết hôn" in p for p in purposes) and any("vay vốn" in p for p in purposes)
    texts = ["\n".join(d.pages[0].text_lines()) for d in docs]
    assert any("...." in t for t in texts) and any("...." not in t for t in texts)   # with and without leaders
    for label in ("Họ, chữ đệm, tên:", "Họ, chữ đệm và tên:", "Giấy tờ tùy thân:", "Giấy tờ tuỳ thân:"):
        assert any(label in t for t in texts), label
    assert {d.fields["issue_date"] >= "2025-07-01" for d in docs} == {True, False}   # two- and three-level addresses


def test_printed_text_contains_truth_values(msc_set) -> None:
    digital = 0
    for path, truth in msc_set:
        for doc in truth["documents"]:
            page_text = "\n".join(truth["pages"][n - 1]["text"] for n in doc["pages"])
            check_printed(page_text, doc["fields"])
            if truth["condition"] == "digital_pdf" or doc.get("text_layer"):
                with pdfplumber.open(path) as pdf:
                    layer = "\n".join(pdf.pages[n - 1].extract_text() or "" for n in doc["pages"])
                assert unicodedata.is_normalized("NFC", layer)
                check_printed(layer, doc["fields"])
                digital += 1
    assert digital >= 1
    for doc in _built():
        check_printed("\n".join(doc.pages[0].text_lines()), doc.fields)


def test_dossier_status_agrees_with_the_household() -> None:
    for s in range(40):
        rng = random.Random(s)
        family = make_family(rng, TODAY, min_children=1)
        doc = make_document(rng, s, MSC, family)
        f = doc.fields
        subject = next(p for p in family.everyone if p.id_number == f["id_number"])
        spouse = family.members[0] if subject is family.head else family.head if subject is family.members[0] else None
        if spouse:
            assert spouse.full_name.upper() in f["marital_status"].upper()
            assert "kết hôn" not in f["purpose"]
        else:
            assert "đang có" not in f["marital_status"].lower()


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_files(tmp_path: Path) -> None:
    conditions = ["digital_pdf", "clean_scan", "multi_pdf"]
    generate(tmp_path / "a", 3, 9, conditions=conditions, types=[MSC], workers=1)
    generate(tmp_path / "b", 3, 9, conditions=conditions, types=[MSC], workers=1)
    generate(tmp_path / "c", 3, 10, conditions=conditions, types=[MSC], workers=1)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")
