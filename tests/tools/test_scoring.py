"""The evaluation's field score: what a file's paper shows is what is scored."""

from __future__ import annotations

from schemas import Document, ExtractionResult, Field
from tools.evaluate import score_file

FRONT_ONLY = {"document_type": "id_card", "variant": "can_cuoc_2024", "pages": [1], "side": "front", "fields": {
    "id_number": "031208672864", "full_name": "NGUYỄN NGỌC VINH",
    "place_of_residence": "Thôn 5, Xã Nga Sơn, Tỉnh Thanh Hóa", "issue_date": "2026-02-25"}}


def _front(**extra: Field) -> Document:
    return Document(document_type="id_card", variant="can_cuoc_2024", pages=[1], fields={
        "id_number": Field(value="031208672864", confidence=0.99), "full_name": Field(value="NGUYỄN NGỌC VINH",
                                                                                 confidence=0.95), **extra})


def _score(document: Document, expected: dict = FRONT_ONLY):
    truth = {"file": "a.pdf", "documents": [expected]}
    return score_file(truth, ExtractionResult(source="a.pdf", sha256="0" * 64, documents=[document]))


def test_a_field_the_shown_side_does_not_print_is_not_scored() -> None:
    tally = _score(_front())  # a 2024 card's front: residence and issue date are on its back
    assert (tally.fields, tally.correct) == (2, 2)


def test_a_value_returned_for_a_field_of_the_other_side_is_still_scored() -> None:
    tally = _score(_front(issue_date=Field(value="2026-02-26", confidence=0.95)))
    assert (tally.fields, tally.correct) == (3, 2)


def test_a_card_shown_whole_is_scored_on_every_field() -> None:
    tally = _score(_front(), {**FRONT_ONLY, "side": "both"})
    assert (tally.fields, tally.correct) == (4, 2)
    assert tally.wrong == {"id_card.place_of_residence": 1, "id_card.issue_date": 1}


def test_documents_needing_no_person_are_also_counted_among_the_known_types_alone() -> None:
    from tools.evaluate import Tally

    unknown = {"document_type": "unknown", "pages": [2], "fields": {}}
    truth = {"file": "a.pdf", "documents": [{**FRONT_ONLY, "side": "both"}, unknown]}
    card = _front()
    card.needs_review = False
    found = ExtractionResult(source="a.pdf", sha256="0" * 64,
                             documents=[card, Document(document_type="unknown", pages=[2], needs_review=True)])
    tally = Tally()
    tally.add(score_file(truth, found))
    assert tally.summary()["no_person"] == 0.5  # the unknown component always goes to a person
    assert tally.summary()["no_person_known_types"] == 1.0
