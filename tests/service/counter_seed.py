"""What the counter tests start from: the card holder of the bundled sample ``0003`` (front and back photos) already
has a CT07 residence confirmation on record, digitised at another branch a few days ago, so that a marriage
registration (``ket-hon``) at the counter reuses it, after the citizen has seen it. Also a blurred photo."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import cv2

from records.db import open_database
from records.ingest import open_dossier, record_extraction, register_original
from records.storage.objects import LocalObjectStore, sha256_hex
from schemas import Document, ExtractionResult, Field

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "dossiers"
CARD = [SAMPLES / "0003_id_card_card_sides_separate_front.jpg", SAMPLES / "0003_id_card_card_sides_separate_back.jpg"]
HOLDER = {"id_number": "079077356974", "full_name": "NGUYỄN HỮU KHẢI", "date_of_birth": "1977-08-24", "sex": "Nam"}
CT07_SOURCE = SAMPLES / "0009_residence_confirmation_digital_pdf.pdf"  # its page is the preview's thumbnail
EARLIER_BRANCH = "Chi nhánh Hoàn Kiếm"


def _field(value: Any, y: int) -> Field:
    return Field(value=value, confidence=0.97, page=1, bbox=(120, y, 1400, y + 40), source="text_layer")


def seed_residence(database_url: str, data_dir: Path, *, days_ago: int = 3) -> dict[str, Any]:
    """A usable CT07 of ``HOLDER``, read from a file received at ``EARLIER_BRANCH`` (for a residence registration)."""
    db = open_database(database_url)
    store = LocalObjectStore(data_dir / "objects")
    issued = (date.today() - timedelta(days=days_ago)).isoformat()
    values = {
        "full_name": HOLDER["full_name"], "date_of_birth": HOLDER["date_of_birth"], "sex": HOLDER["sex"],
        "id_number": HOLDER["id_number"],
        "permanent_residence": "Số 132 ngõ 134 đường Hai Bà Trưng, Phường Cát Dài, Quận Lê Chân, Thành phố Hải Phòng",
        "current_residence": "Số 132 ngõ 134 đường Hai Bà Trưng, Phường Cát Dài, Quận Lê Chân, Thành phố Hải Phòng",
        "issuing_authority": "Công an phường Cát Dài", "issue_date": issued,
    }
    document = Document(document_type="residence_confirmation", pages=[1], classification_confidence=0.95,
                        fields={name: _field(value, 200 + 60 * i) for i, (name, value) in enumerate(values.items())})
    try:
        dossier = open_dossier(db, "thuong-tru", EARLIER_BRANCH, actor="seed")
        data = CT07_SOURCE.read_bytes()
        original = register_original(db, store, data, "ct07.pdf", dossier, actor="seed")
        result = ExtractionResult(source="ct07.pdf", sha256=sha256_hex(data), media_type="application/pdf",
                                  documents=[document])
        (ref,) = record_extraction(db, original, result, actor="seed")
    finally:
        db.close()
    return {"ct07": ref.id, "status": ref.status, "dossier": dossier}


def blurred_photo(path: Path) -> Path:
    """A phone photo of a birth certificate, out of focus (Gaussian blur of 6 px): the counter must say so."""
    image = cv2.imread(str(SAMPLES / "0012_birth_certificate_phone_photo.jpg"))
    image = cv2.resize(image, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(path), cv2.GaussianBlur(image, (0, 0), 4), [cv2.IMWRITE_JPEG_QUALITY, 85])
    return path
