"""Population-registry cross-check and "which components are already held?" per procedure."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from records.ingest import get_document, record_extraction, register_original
from records.review import verify_document
from records.population import cross_check, import_population, registry_citizen
from extractors.spec import record_spec
from records.procedures import list_procedures, load_catalogue
from records.requirements import requirements

ON = date(2026, 11, 25)


def write_registry(tmp_path: Path, build, people: list[dict]) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "registry.csv"
    lines = ["id_number,full_name,date_of_birth,sex,residence"]
    lines += [f'{p["id_number"]},{p["full_name"].title()},{p["date_of_birth"]},{p["sex"]},"{p.get("residence", "")}"'
              for p in people]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(db, store, build, data: bytes, *documents):  # type: ignore[no-untyped-def]
    return record_extraction(db, register_original(db, store, data, "scan.pdf"), build.result(data, *documents))


def test_import_csv_and_json(db, build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = import_population(db, write_registry(tmp_path, build, [build.HUSBAND, build.WIFE]))
    assert (report.inserted, report.updated, report.rejected) == (2, 0, [])
    assert registry_citizen(db, build.HUSBAND["id_number"])["full_name"] == "Nguyễn Văn An"
    json_path = tmp_path / "more.json"
    json_path.write_text(json.dumps({"citizens": [
        {**build.CHILD, "date_of_birth": "15/01/2024"}, {"id_number": "123", "full_name": "X"},
        {**build.HUSBAND, "full_name": "Nguyễn Văn An", "residence": "Số 9 phố Huế, Hà Nội"},
        {**build.WIFE, "full_name": "Trần Thị Bình"},
    ]}), encoding="utf-8")
    again = import_population(db, json_path)
    assert (again.inserted, again.updated, again.unchanged) == (1, 1, 1)
    assert again.rejected == ["row 2: id_number must be 12 digits"]
    assert registry_citizen(db, build.CHILD["id_number"])["date_of_birth"] == "2024-01-15"


def test_registry_match_is_case_tolerant(db, store, build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_population(db, write_registry(tmp_path, build, [build.HUSBAND]))
    [card] = record(db, store, build, b"%PDF card", build.id_card())
    assert card.status == "extracted" and cross_check(db, card) == []


def test_registry_mismatch_marks_needs_review_with_the_reason(db, store, build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_population(db, write_registry(tmp_path, build, [build.HUSBAND, build.WIFE]))
    [card] = record(db, store, build, b"%PDF card", build.id_card(date_of_birth="1990-05-21"))
    assert card.status == "needs_review"
    assert card.review_reasons == ("date_of_birth does not match the population registry",)
    [marriage] = record(db, store, build, b"%PDF m", build.marriage_certificate(wife_full_name="TRẦN THỊ BÍNH"))
    assert marriage.review_reasons == ("wife_full_name does not match the population registry",)
    [birth] = record(db, store, build, b"%PDF b", build.birth_certificate(father_birth_year="1991"))
    assert "father_birth_year does not match the population registry" in birth.review_reasons


def test_import_after_extraction_rechecks_documents(db, store, build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    [card] = record(db, store, build, b"%PDF card", build.id_card(sex="Nữ"))
    assert card.status == "extracted"
    report = import_population(db, write_registry(tmp_path, build, [build.HUSBAND]))
    assert report.rechecked_documents == 1
    checked = get_document(db, card.id)
    assert checked.status == "needs_review" and checked.review_reasons == (
        "sex does not match the population registry",)
    assert cross_check(db, card.id) == ["sex does not match the population registry"]  # idempotent
    assert get_document(db, card.id).review_reasons == checked.review_reasons


def test_catalogue_lists_the_three_procedures() -> None:
    codes = {p.code: p for p in list_procedures()}
    assert {"khai-sinh", "ket-hon", "thuong-tru"} <= set(codes)
    assert codes["khai-sinh"].name == "Đăng ký khai sinh"
    assert record_spec("residence_confirmation").valid_for_days == 180
    with pytest.raises(KeyError):
        load_catalogue().procedure("no-such-procedure")


def statuses(report) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    return {c.code: (c.status, c.held_by, c.document_id) for c in report.components}


def test_requirements_birth_registration(db, store, build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    husband = build.HUSBAND["id_number"]
    before = statuses(requirements(db, "khai-sinh", husband, on=ON))
    assert all(status == "missing" for status, _, _ in before.values())

    import_population(db, write_registry(tmp_path, build, [build.HUSBAND]))
    [marriage] = record(db, store, build, b"%PDF m", build.marriage_certificate())
    report = requirements(db, "khai-sinh", husband, on=ON)
    assert report.in_population_registry
    assert statuses(report) == {
        "to-khai-khai-sinh": ("missing", None, None),
        "giay-chung-sinh": ("missing", None, None),
        "giay-to-tuy-than-nguoi-yeu-cau": ("held", "population_registry", None),
        "giay-chung-nhan-ket-hon-cha-me": ("held", "document", marriage.id),
        "thong-tin-cu-tru": ("held", "population_registry", None),
    }
    held = next(c for c in report.components if c.code == "giay-chung-nhan-ket-hon-cha-me")
    assert (held.document_version, held.role) == (1, "husband")
    # the wife is not in the registry: identity and residence from her held records, if valid
    wife = build.WIFE["id_number"]
    [card] = record(db, store, build, b"%PDF wife card", build.id_card(build.WIFE, expiry="2030-08-20"))
    [ct07] = record(db, store, build, b"%PDF ct07", build.residence_confirmation(build.WIFE, issue_date="2026-11-01"))
    wife_report = statuses(requirements(db, "khai-sinh", wife, on=ON))
    assert wife_report["giay-to-tuy-than-nguoi-yeu-cau"] == ("held", "document", card.id)
    assert wife_report["giay-chung-nhan-ket-hon-cha-me"] == ("held", "document", marriage.id)
    assert wife_report["thong-tin-cu-tru"] == ("held", "document", ct07.id)
    later = statuses(requirements(db, "khai-sinh", wife, on=date(2027, 11, 25)))  # the CT07 has expired
    assert later["thong-tin-cu-tru"] == ("missing", None, None)


def test_requirements_marriage_registration(db, store, build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wife = build.WIFE["id_number"]
    [card] = record(db, store, build, b"%PDF card", build.id_card(build.WIFE, expiry="2030-08-20"))
    assert statuses(requirements(db, "ket-hon", wife, on=ON)) == {
        "to-khai-ket-hon": ("missing", None, None),
        "giay-to-tuy-than-nguoi-yeu-cau": ("held", "document", card.id),
        "xac-nhan-tinh-trang-hon-nhan": ("missing", None, None),
        "thong-tin-cu-tru": ("missing", None, None),
    }
    # an expired card is not held; the registry covers identity and residence whatever is held
    assert statuses(requirements(db, "ket-hon", wife, on=date(2031, 1, 1)))[
        "giay-to-tuy-than-nguoi-yeu-cau"] == ("missing", None, None)
    import_population(db, write_registry(tmp_path, build, [build.WIFE]))
    report = statuses(requirements(db, "ket-hon", wife, on=date(2031, 1, 1)))
    assert report["giay-to-tuy-than-nguoi-yeu-cau"][:2] == ("held", "population_registry")
    assert report["thong-tin-cu-tru"][:2] == ("held", "population_registry")


def test_marital_status_confirmation_is_held_until_its_validity_ends(db, store, build) -> None:  # type: ignore[no-untyped-def]
    """The fifth type comes from its YAML alone: its record rules (number, holder, validity) included."""
    wife = build.WIFE["id_number"]
    [confirmation] = record(db, store, build, b"%PDF msc", build.marital_status_confirmation())
    assert confirmation.number == "69/UBND-XNTTHN|2026-10-01"
    held = statuses(requirements(db, "ket-hon", wife, on=ON))
    assert held["xac-nhan-tinh-trang-hon-nhan"] == ("held", "document", confirmation.id)
    expired = statuses(requirements(db, "ket-hon", wife, on=date(2027, 4, 2)))
    assert expired["xac-nhan-tinh-trang-hon-nhan"] == ("missing", None, None)


def test_requirements_permanent_residence(db, store, build) -> None:  # type: ignore[no-untyped-def]
    child = build.CHILD["id_number"]
    [birth] = record(db, store, build, b"%PDF birth", build.birth_certificate())
    report = statuses(requirements(db, "thuong-tru", child, on=ON))
    assert report["chung-minh-quan-he-nhan-than"] == ("held", "document", birth.id)
    assert report["to-khai-thay-doi-thong-tin-cu-tru"] == ("missing", None, None)
    assert report["chung-minh-cho-o-hop-phap"] == ("missing", None, None)
    assert report["giay-to-tuy-than-nguoi-yeu-cau"] == ("missing", None, None)
    # a re-scan read differently and flagged supersedes it: nothing valid is held any more
    flagged = build.birth_certificate(full_name="NGUYỄN VĂN CUỜNG")
    flagged.flag("low confidence on full_name")
    [v2] = record(db, store, build, b"%PDF birth rescan", flagged)
    assert (v2.version, v2.status) == (2, "needs_review")
    assert statuses(requirements(db, "thuong-tru", child, on=ON))["chung-minh-quan-he-nhan-than"][0] == "received"
    verified = verify_document(db, v2.id)  # a reviewer confirms it
    assert statuses(requirements(db, "thuong-tru", child, on=ON))["chung-minh-quan-he-nhan-than"] == (
        "held", "document", verified.id)
