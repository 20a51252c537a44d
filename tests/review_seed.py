"""Records waiting for review, for the review API and page tests: no OCR. Each has a stored page image (a card
drawn with its values where the boxes say) and its stored words' page sizes, as ``usecases.intake`` leaves them.

- ``card``: HUSBAND's ID card from a ket-hon dossier at branch ``BRANCHES[0]``, its name read with low
  confidence (the one doubtful field); the oldest in the queue;
- ``marriage``: a marriage certificate from a khai-sinh dossier at ``BRANCHES[1]``, the wife's birth date doubtful;
- ``wife_card``: WIFE's ID card, nothing doubtful (not in the queue).
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from records.db import open_database
from records.ingest import open_dossier, record_extraction, register_original
from records.storage.objects import WORDS_NAME, LocalObjectStore, page_image_name, put_artefact, sha256_hex
from render import font
from schemas import Document, ExtractionResult, Field

BRANCHES = ("Chi nhánh số 1 - Hoàn Kiếm", "Chi nhánh số 5 - Cầu Giấy")
HUSBAND = {"id_number": "001090012345", "full_name": "NGUYỄN VĂN AN", "date_of_birth": "1990-05-12", "sex": "Nam"}
WIFE = {"id_number": "001190054321", "full_name": "TRẦN THỊ BÌNH", "date_of_birth": "1990-08-20", "sex": "Nữ"}
WIDTH, HEIGHT = 1000, 630
LABELS = {"id_number": "Số / No.:", "full_name": "Họ và tên / Full name:", "date_of_birth": "Ngày sinh / Date of birth:",
          "sex": "Giới tính / Sex:", "nationality": "Quốc tịch / Nationality:",
          "place_of_residence": "Nơi thường trú / Place of residence:", "issue_date": "Ngày cấp:",
          "expiry_date": "Có giá trị đến:"}


def card_values(person: dict[str, str]) -> dict[str, Any]:
    return {"id_number": person["id_number"], "full_name": person["full_name"],
            "date_of_birth": person["date_of_birth"], "sex": person["sex"], "nationality": "Việt Nam",
            "place_of_residence": "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội", "issue_date": "2021-06-01",
            "expiry_date": "2035-05-12"}


def draw_card(values: dict[str, Any], title: str = "CĂN CƯỚC CÔNG DÂN") -> tuple[bytes, dict[str, tuple[int, int, int, int]]]:
    """A card-sized page with each value printed after its label; returns the JPEG and each value's box."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (236, 244, 240))
    draw = ImageDraw.Draw(image)
    draw.text((300, 30), title, font=font(34), fill=(160, 30, 30))
    draw.rectangle((40, 120, 230, 380), outline=(120, 120, 120), width=2)  # the photo
    label_face, value_face = font(17), font(24)
    boxes = {}
    y = 100
    for name, value in values.items():
        draw.text((260, y), LABELS.get(name, name), font=label_face, fill=(60, 60, 60))
        text = str(value)
        if len(value or "") == 10 and value[4] == "-":
            text = f"{value[8:]}/{value[5:7]}/{value[:4]}"
        left, top, right, bottom = draw.textbbox((260, y + 22), text, font=value_face)
        draw.text((260, y + 22), text, font=value_face, fill=(0, 0, 0))
        boxes[name] = (left - 4, top - 4, right + 4, bottom + 4)
        y += 62
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue(), boxes


def scan_document(document_type: str, values: dict[str, Any], boxes: dict[str, tuple[int, int, int, int]],
              doubtful: dict[str, float]) -> Document:
    fields = {name: Field(value=value, confidence=doubtful.get(name, 0.96), page=1, bbox=boxes.get(name),
                          source="ocr", note="name: unusual spelling for a Vietnamese name" if name in doubtful else None)
              for name, value in values.items()}
    document = Document(document_type=document_type, pages=[1], classification_confidence=0.95, fields=fields)
    for name in doubtful:
        document.flag(f"{name}: low confidence")
    return document


def record_scan(db: Any, store: LocalObjectStore, image: bytes, document: Document, name: str,
                dossier_id: int | None) -> int:
    """Register the image as an original, store its page artefacts, record the extraction; the version's id."""
    original = register_original(db, store, image, name, dossier_id)
    sha = sha256_hex(image)
    put_artefact(store, sha, page_image_name(1), image, "image/jpeg")
    words = {"sha256": sha, "media_type": "image/jpeg",
             "pages": [{"number": 1, "width": WIDTH, "height": HEIGHT, "dpi": 300, "source": "ocr", "words": []}]}
    put_artefact(store, sha, WORDS_NAME, json.dumps(words).encode(), "application/json")
    result = ExtractionResult(source=name, sha256=sha, media_type="image/jpeg", documents=[document])
    (ref,) = record_extraction(db, original, result)
    return ref.id


def seed_review(database_url: str, data_dir: Path) -> dict[str, int]:
    db = open_database(database_url)
    store = LocalObjectStore(data_dir / "objects")
    try:
        seeded = {}
        values = card_values(HUSBAND)
        image, boxes = draw_card(values)
        dossier = open_dossier(db, "ket-hon", BRANCHES[0])
        seeded["card"] = record_scan(db, store, image, scan_document("id_card", values, boxes, {"full_name": 0.62}),
                                     "cccd-truoc.jpg", dossier)
        time.sleep(0.01)  # waiting times differ: the card is the oldest
        marriage = {"certificate_number": "15", "book_number": "01/2018", "wife_full_name": WIFE["full_name"],
                    "wife_date_of_birth": WIFE["date_of_birth"], "wife_ethnicity": "Kinh", "wife_nationality": "Việt Nam",
                    "wife_residence": "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội", "wife_id_number": WIFE["id_number"],
                    "husband_full_name": HUSBAND["full_name"], "husband_date_of_birth": HUSBAND["date_of_birth"],
                    "husband_ethnicity": "Kinh", "husband_nationality": "Việt Nam",
                    "husband_residence": "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
                    "husband_id_number": HUSBAND["id_number"], "registration_place": "UBND phường Hoàn Kiếm",
                    "registration_date": "2018-10-10"}
        image, boxes = draw_card(marriage, title="GIẤY CHỨNG NHẬN KẾT HÔN")
        dossier = open_dossier(db, "khai-sinh", BRANCHES[1])
        seeded["marriage"] = record_scan(
            db, store, image, scan_document("marriage_certificate", marriage, boxes, {"wife_date_of_birth": 0.55}),
            "ket-hon.jpg", dossier)
        values = card_values(WIFE)
        image, boxes = draw_card(values)
        seeded["wife_card"] = record_scan(db, store, image, scan_document("id_card", values, boxes, {}), "cccd-vo.jpg",
                                          None)
        return seeded
    finally:
        db.close()
