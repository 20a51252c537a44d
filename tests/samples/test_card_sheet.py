"""The generator's card_sheet condition: every arrangement, with truth quads and value boxes that fit the image."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from samples.generator import generate
from samples.generator.dossier import ALL_CONDITIONS, CONDITIONS, plan
from samples.generator.sheets import ARRANGEMENTS


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, dict]]:
    out = tmp_path_factory.mktemp("card_sheets")
    files = generate(out, count=len(ARRANGEMENTS), seed=8, conditions=["card_sheet"])
    return [(f, json.loads(f.with_name(f"{f.stem}.truth.json").read_text(encoding="utf-8"))) for f in files]


def test_card_sheet_is_asked_for_by_name_and_keeps_default_sets_as_they_were():
    assert "card_sheet" in ALL_CONDITIONS and "card_sheet" not in CONDITIONS
    assert {item.condition for item in plan(30, 1, None, None)} == set(CONDITIONS)
    assert {item.doc_type for item in plan(4, 1, ["card_sheet"], ["id_card"])} == {"id_card"}


def test_every_arrangement_is_drawn(sheets):
    assert sorted(truth["capture"]["arrangement"] for _, truth in sheets) == sorted(ARRANGEMENTS)


def test_truth_quads_and_boxes_fit_the_image(sheets):
    for path, truth in sheets:
        capture = truth["capture"]
        with Image.open(path) as image:
            width, height = image.size
            grey = image.mode == "L" or np.ptp(np.asarray(image.convert("RGB"), np.int16), axis=2).max() < 12
        arrangement = capture["arrangement"]
        assert (capture["dpi"] is None) == (arrangement == "phone_photo")
        if capture["grey_photocopy"] and capture["scan"] != "phone":  # a photo shows the desk in colour
            assert grey, path.name
        documents = truth["documents"]
        assert len(documents) == (2 if arrangement == "two_citizens" else 1)
        assert len(capture["document_quads"]) == len(capture["card_sides"])
        for index, document in enumerate(documents):
            sides = [side for side in capture["card_sides"] if side["document"] == index]
            assert document["side"] == ("both" if len(sides) == 2 else sides[0]["side"])
            assert {"id_number", "full_name"} <= set(document["fields"])
            for name, box in document["boxes"].items():
                assert name in document["fields"]
                centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
                inside = [cv2.pointPolygonTest(np.float32(side["quad"]), centre, False) >= 0 for side in sides]
                assert any(inside), (path.name, name)  # printed on one of its card's sides
        for side in capture["card_sides"]:
            quad = np.float32(side["quad"])
            in_frame = [(0 <= x <= width and 0 <= y <= height) for x, y in quad]
            assert all(in_frame) or (side["off_page"] and arrangement == "off_edge"), (path.name, side)
            w = np.linalg.norm(quad[1] - quad[0])
            h = np.linalg.norm(quad[3] - quad[0])
            assert 1.35 < w / h < 1.85  # its own top edge is its long side, however it lies on the sheet
        if arrangement == "off_edge":
            assert any(side["off_page"] for side in capture["card_sides"])
        if arrangement in ("turned_90", "turned_180"):
            assert any(side["turn"] for side in capture["card_sides"])
