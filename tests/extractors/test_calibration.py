"""The calibration table: fitted from right/wrong values, order-preserving, ≥ 0.9 only above the fit."""

from __future__ import annotations

import math

from extractors.calibration import ACCEPT, CORROBORATED, DIFFERS, calibrate, calibrated, group_of
from extractors.spec import spec_for
from schemas import Document, Field
from tools.calibrate import MIN_SUPPORT, Sample, _samples_of, fit


def test_the_accept_point_is_the_lowest_confidence_above_every_wrong_value() -> None:
    right = [Sample("name", 0.80 + i * 0.004, True) for i in range(40)]  # 0.800 … 0.956
    wrong = [Sample("name", 0.83, False), Sample("name", 0.40, False)]
    threshold = fit(right + wrong)["name"]
    assert threshold.accept_from == math.ceil(1000 * min(s.confidence for s in right if s.confidence > 0.83)) / 1000
    assert threshold.support == sum(s.confidence > 0.83 for s in right) and threshold.seen == 42


def test_a_group_with_too_little_support_is_never_accepted_unseen() -> None:
    few = [Sample("address", 0.95, True)] * (MIN_SUPPORT - 1)
    threshold = fit(few)["address"]
    assert threshold.accept_from == 1.0
    assert calibrated(0.999, threshold.accept_from) < ACCEPT


def test_calibration_keeps_the_order_and_maps_the_accept_point_to_0_9() -> None:
    values = [0.1, 0.5, 0.79, 0.8, 0.85, 0.99, 1.0]
    mapped = [calibrated(v, 0.8) for v in values]
    assert mapped == sorted(mapped)
    assert calibrated(0.8, 0.8) == ACCEPT and calibrated(0.79, 0.8) < ACCEPT and calibrated(1.0, 0.8) == 1.0


def test_groups_tell_corroborated_values_apart() -> None:
    assert group_of("name", False) == "name" and group_of("name", True) == "name+twice"
    assert group_of("unit_address", False) == "address" and group_of("sex", False) == "vocabulary"
    assert group_of("text", False, "x" * 61) == "long_text" and group_of("text", False, "ngắn") == "text"


def test_an_address_whose_every_part_is_registered_is_its_own_group() -> None:
    assert group_of("unit_address", False, "Xã Đông Phong, Huyện Yên Phong, Tỉnh Bắc Ninh") == "address+registered"
    assert group_of("address", False, "Số 12 phố Tràng Tiền, Phường Tràng Tiền, Quận Hoàn Kiếm, Thành phố Hà Nội") \
        == "address"  # the house and street are not in the register


def test_a_value_whose_second_reading_differs_is_never_accepted_unseen() -> None:
    spec = spec_for("id_card")
    assert spec is not None
    document = Document(document_type="id_card", fields={
        "id_number": Field(value="045090985217", confidence=0.88, note=DIFFERS),
        "full_name": Field(value="NGUYỄN VĂN AN", confidence=0.88, note=CORROBORATED),
    })
    calibrate(document, spec)
    assert document.fields["id_number"].confidence < ACCEPT  # raw 0.88 would calibrate far above 0.9 for numbers
    assert document.fields["full_name"].confidence >= ACCEPT


def test_values_whose_readings_differ_are_left_out_of_the_fit() -> None:
    truth = {"document_type": "id_card", "fields": {"id_number": "045090935217", "sex": "Nam"}}
    found = Document(document_type="id_card", fields={
        "id_number": Field(value="045090985217", confidence=0.95, note=DIFFERS),
        "sex": Field(value="Nam", confidence=0.95),
    })
    assert [s.group for s in _samples_of(truth, found)] == ["vocabulary"]
