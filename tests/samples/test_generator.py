"""The sample generator: determinism, file kinds per condition, truth consistency."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from datetime import date
from pathlib import Path

import pdfplumber
import zxingcpp
from PIL import Image

from samples.generator import generate
from samples.generator.cards import make_id_card
from samples.generator.people import make_family
from samples.generator.raster import render_page

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_files(tmp_path: Path) -> None:
    conditions = ["clean_scan", "digital_pdf", "card_sides_separate"]
    generate(tmp_path / "a", 3, 42, conditions=conditions)
    generate(tmp_path / "b", 3, 42, conditions=conditions)
    generate(tmp_path / "c", 3, 43, conditions=conditions)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_each_condition_writes_its_file_kind(generated) -> None:
    seen = {}
    for path, truth in generated:
        seen.setdefault(truth["condition"], []).append((path, truth))
        assert truth["file"] == path.name
        assert [p["number"] for p in truth["pages"]] == list(range(1, len(truth["pages"]) + 1))
    for condition in ("clean_scan", "noisy_scan", "phone_photo", "card_sides_separate"):
        for path, _truth in seen[condition]:
            assert path.suffix in (".png", ".jpg")
            with Image.open(path) as im:
                im.verify()
    for _path, truth in seen["phone_photo"]:
        w, h = truth["capture"]["frame"]
        for quad in truth["capture"]["document_quads"]:
            assert all(0 <= x <= w and 0 <= y <= h for x, y in quad)  # the whole document is in frame
    sides = sorted(t["documents"][0]["side"] for _, t in seen["card_sides_separate"])
    assert sides == ["back", "front"]
    for condition in ("image_pdf", "digital_pdf", "multi_pdf"):
        for path, truth in seen[condition]:
            assert path.suffix == ".pdf"
            with pdfplumber.open(path) as pdf:
                assert len(pdf.pages) == len(truth["pages"])
                has_text = any((page.extract_text() or "").strip() for page in pdf.pages)
            assert has_text == (condition == "digital_pdf" or any(d.get("text_layer") for d in truth["documents"]))
    multi = seen["multi_pdf"][0][1]
    assert len(multi["documents"]) >= 2


def test_digital_pdf_text_layer_round_trips(generated) -> None:
    for path, truth in generated:
        if truth["condition"] != "digital_pdf":
            continue
        with pdfplumber.open(path) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        assert unicodedata.is_normalized("NFC", text)
        names = [v for k, v in truth["documents"][0]["fields"].items() if k.endswith("full_name") and v]
        assert names and all(name in text for name in names)


# ------------------------------------------------------------ truth values

def _check_digit(field: str) -> int:
    values = [int(c) if c.isdigit() else 0 if c == "<" else ord(c) - 55 for c in field]
    return sum(v * (7, 3, 1)[i % 3] for i, v in enumerate(values)) % 10


def _ascii_name(name: str) -> str:
    name = name.replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))


def _check_id(number: str, birth: str | None, sex: str | None) -> None:
    if len(number) == 9:
        assert number.isdigit()
        return
    assert re.fullmatch(r"\d{12}", number), number
    assert 1 <= int(number[:3]) <= 96
    if birth:
        year = int(birth[:4])
        assert int(number[3]) // 2 == year // 100 - 19
        assert number[4:6] == f"{year % 100:02d}"
    if sex:
        assert int(number[3]) % 2 == (1 if sex == "Nữ" else 0)


def _check_mrz(f: dict) -> None:
    l1, l2, l3 = f["mrz"].split("\n")
    assert len(l1) == len(l2) == len(l3) == 30
    assert l1.startswith("IDVNM")
    assert int(l1[14]) == _check_digit(l1[5:14])
    assert int(l2[6]) == _check_digit(l2[0:6])
    assert l2[14] == "<" if l2[8:14] == "<<<<<<" else int(l2[14]) == _check_digit(l2[8:14])
    assert int(l2[29]) == _check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    if "id_number" in f:
        assert l1[5:14] == f["id_number"][-9:] and l1[15:27] == f["id_number"]
    if "date_of_birth" in f:
        assert l2[0:6] == f["date_of_birth"][2:].replace("-", "")
    if "sex" in f:
        assert l2[7] == ("F" if f["sex"] == "Nữ" else "M")
    if "expiry_date" in f:
        assert l2[8:14] == (f["expiry_date"][2:].replace("-", "") if f["expiry_date"] else "<<<<<<")
    if "full_name" in f:
        surname, _, given = l3.rstrip("<").partition("<<")
        assert " ".join([surname, *given.split("<")]) == _ascii_name(f["full_name"])


def _check_qr(f: dict) -> None:
    parts = f["qr"].split("|")
    assert len(parts) >= 7 and not any(parts[7:])
    id_number, old_id, name, birth, sex, address, issue = parts[:7]
    assert old_id == "" or re.fullmatch(r"\d{9}|\d{12}", old_id)
    expected = {"id_number": id_number, "full_name": name, "sex": sex, "place_of_residence": address,
                "date_of_birth": f"{birth[4:]}-{birth[2:4]}-{birth[:2]}", "issue_date": f"{issue[4:]}-{issue[2:4]}-{issue[:2]}"}
    for key, value in expected.items():
        if key in f:
            assert f[key] == value, key


def _walk_values(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from _walk_values(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_values(v)


def test_truth_values_are_normal_and_consistent(generated) -> None:
    for _, truth in generated:
        for page in truth["pages"]:
            assert unicodedata.is_normalized("NFC", page["text"])
        for doc in truth["documents"]:
            f = doc["fields"]
            for key, value in _walk_values(f):
                if isinstance(value, str) and key not in ("mrz",):
                    assert unicodedata.is_normalized("NFC", value) and value == " ".join(value.split()), key
                if key.endswith("date") or key.endswith("date_of_birth"):
                    assert value is None or ISO_DATE.match(value), (key, value)
                if key == "sex":
                    assert value in ("Nam", "Nữ")
                if key.endswith("birth_year"):
                    assert value is None or re.fullmatch(r"\d{4}", value)
            if "id_number" in f and f["id_number"]:
                _check_id(f["id_number"], f.get("date_of_birth"), f.get("sex"))
            for member in f.get("household_members", []):
                _check_id(member["id_number"], member["date_of_birth"], member["sex"])
            if doc["document_type"] == "id_card":
                if "mrz" in f:
                    _check_mrz(f)
                if "qr" in f:
                    _check_qr(f)
                if "issue_date" in f and "date_of_birth" in f:
                    assert f["issue_date"] > f["date_of_birth"]
                if "expiry_no_expiry" in f:
                    assert (f["expiry_date"] is None) == f["expiry_no_expiry"]
            if doc["document_type"] == "birth_certificate":
                assert f["registration_date"] >= f["date_of_birth"]
            if doc["document_type"] == "marriage_certificate":
                assert int(f["registration_date"][:4]) - int(f["husband_date_of_birth"][:4]) >= 20
                assert int(f["registration_date"][:4]) - int(f["wife_date_of_birth"][:4]) >= 18


def test_qr_decodes_to_payload_on_clean_render() -> None:
    for seed in range(3):
        rng = random.Random(seed)
        family = make_family(rng, date(2026, 6, 30))
        for variant, side in (("cccd_2021", 0), ("can_cuoc_2024", 1)):
            card = make_id_card(rng, seed, family.head, variant, date(2026, 6, 30))
            results = zxingcpp.read_barcodes(render_page(card.pages[side], 300))
            assert [r.text for r in results] == [card.fields["qr"]]
