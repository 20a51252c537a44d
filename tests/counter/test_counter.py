"""The counter use case: quality beside the reading, the fields read, components held / received / missing, and the
citizen's consent to reuse (kept with the dossier; a refused record is not reused for it)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from counter_seed import EARLIER_BRANCH, SAMPLES, seed_residence
from records.dossiers import consents
from schemas.errors import InvalidValue, NotFound
from usecases import counter

from .conftest import HOLDER, text_pdf


def statuses(view: counter.DossierView) -> dict[str, str]:
    return {c.code: c.status for c in view.components}


def test_an_upload_says_what_was_read_and_the_card_just_handed_over_is_received(db, store, card_pdf) -> None:
    outcome = counter.receive(db, store, [("the-card.pdf", card_pdf)], procedure_code="ket-hon", branch="Quầy 1",
                              actor="test")
    assert [q.ok for q in outcome.quality] == [True]
    assert [p.checked for p in outcome.quality[0].pages] == [False]  # born digital: no capture to judge
    (card,) = outcome.read
    assert card.document_type == "id_card" and card.subject_id_number == HOLDER["id_number"]
    values = {f.name: f.value for f in card.fields}
    assert values["full_name"] == HOLDER["full_name"] and values["id_number"] == HOLDER["id_number"]
    assert outcome.id_number == HOLDER["id_number"]
    assert statuses(outcome.view) == {"to-khai-ket-hon": "missing", "giay-to-tuy-than-nguoi-yeu-cau": "received",
                                      "xac-nhan-tinh-trang-hon-nhan": "missing", "thong-tin-cu-tru": "missing"}
    assert outcome.view.missing == ["to-khai-ket-hon", "xac-nhan-tinh-trang-hon-nhan", "thong-tin-cu-tru"]
    received = outcome.view.components[1]
    assert received.document_id == card.id and received.preview is None


def test_a_held_record_is_previewed_and_a_refused_one_is_not_reused(db, store, data_dir: Path, card_pdf) -> None:
    seeded = seed_residence(f"sqlite:///{data_dir / 'hoso.db'}", data_dir)
    outcome = counter.receive(db, store, [("the-card.pdf", card_pdf)], procedure_code="ket-hon", branch="Quầy 2",
                              actor="test")
    residence = next(c for c in outcome.view.components if c.code == "thong-tin-cu-tru")
    assert (residence.status, residence.document_id) == ("held", seeded["ct07"])
    preview = residence.preview
    assert preview is not None and preview.consent is None
    assert preview.digitised_branch == EARLIER_BRANCH and preview.digitised_at is not None
    assert preview.document.pages == 1 and preview.document.title.startswith("Giấy xác nhận")
    thumbnail = counter.page_thumbnail(db, store, seeded["ct07"], 1, 240)
    assert thumbnail[:2] == b"\xff\xd8" and cv2.imdecode(np.frombuffer(thumbnail, np.uint8), 1).shape[1] == 240

    dossier = outcome.dossier_id
    refused = counter.decide_reuse(db, store, dossier, seeded["ct07"], "refused", actor="clerk")
    residence = next(c for c in refused.components if c.code == "thong-tin-cu-tru")
    assert (residence.status, residence.refused) == ("missing", True)
    assert residence.preview is not None and residence.preview.consent.decision == "refused"
    assert "thong-tin-cu-tru" in refused.missing
    confirmed = counter.decide_reuse(db, store, dossier, seeded["ct07"], "confirmed", actor="clerk")
    assert statuses(confirmed)["thong-tin-cu-tru"] == "held"
    kept = consents(db, dossier)[seeded["ct07"]]
    assert (kept.decision, kept.decided_by, kept.component) == ("confirmed", "clerk", "thong-tin-cu-tru")
    # another dossier of the same citizen is not bound by this one's decisions
    other = counter.receive(db, store, [("again.pdf", card_pdf)], procedure_code="ket-hon", branch="Quầy 3", actor="t")
    assert next(c for c in other.view.components if c.code == "thong-tin-cu-tru").preview.consent is None


def test_only_a_record_the_dossier_would_reuse_can_be_decided(db, store, data_dir: Path, card_pdf) -> None:
    seeded = seed_residence(f"sqlite:///{data_dir / 'hoso.db'}", data_dir)
    outcome = counter.receive(db, store, [("the-card.pdf", card_pdf)], procedure_code="ket-hon", branch="Quầy 1",
                              actor="test")
    card = outcome.read[0].id
    with pytest.raises(NotFound):  # the card handed over now is received, not reused
        counter.decide_reuse(db, store, outcome.dossier_id, card, "confirmed", actor="clerk")
    with pytest.raises(NotFound):
        counter.decide_reuse(db, store, 999, seeded["ct07"], "confirmed", actor="clerk")
    nobody = counter.receive(db, store, [("form.pdf", text_pdf(["TỜ KHAI ĐĂNG KÝ KẾT HÔN"]))],
                             procedure_code="ket-hon", branch="Quầy 1", actor="test")
    with pytest.raises(InvalidValue):  # whose dossier it is must be known (a card, or the id number given)
        counter.decide_reuse(db, store, nobody.dossier_id, seeded["ct07"], "confirmed", actor="clerk")
    given = counter.decide_reuse(db, store, nobody.dossier_id, seeded["ct07"], "confirmed", actor="clerk",
                                 id_number=HOLDER["id_number"])
    assert statuses(given)["thong-tin-cu-tru"] == "held"


def test_a_blurred_photo_is_reported_blurred_whatever_is_read_from_it(db, store, tmp_path: Path) -> None:
    image = cv2.imread(str(SAMPLES / "0003_id_card_card_sides_separate_front.jpg"))
    ok, blurred = cv2.imencode(".jpg", cv2.GaussianBlur(image, (0, 0), 5))
    judged = counter.check_files([("blurred.jpg", blurred.tobytes())])
    assert [v.code for v in judged[0].pages[0].verdicts] == ["blurred"] and not judged[0].ok
    assert judged[0].pages[0].verdicts[0].message.startswith("Ảnh bị mờ")
