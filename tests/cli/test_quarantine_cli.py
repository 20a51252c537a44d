"""``hoso quarantine list|release``: what was set aside, taken back into the queue, audited, read again."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from hoso import cli
from hoso.commands import quarantine as command
from records.db import open_database
from records.ingest import pending_originals, quarantine, register_original
from records.models import Event
from records.storage.objects import LocalObjectStore
from schemas.errors import ExitCode
from usecases.intake import resume_pending

sys.path.insert(0, str(Path(__file__).parent.parent / "ingest"))  # rendered.py


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOSO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HOSO_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOSO_ACTOR", "operator-7")
    return tmp_path / "data"


@pytest.mark.integration
def test_a_released_original_is_read_again_and_the_release_is_audited(data_dir: Path, capsys) -> None:
    import rendered

    db, store = open_database(f"sqlite:///{data_dir / 'hoso.db'}"), LocalObjectStore(data_dir / "objects")
    original = register_original(db, store, rendered.card_front(), "front\x1b[2J.png")  # a terminal escape in the name
    quarantine(db, original, "stopped_the_reader: processing began 3 times and never ended")

    out = io.StringIO()
    assert command.list_quarantine(cli.build_parser().parse_args(["quarantine", "list"]), out) == ExitCode.ok
    [header, _rule, row] = out.getvalue().splitlines()
    assert header.split()[:3] == ["id", "received", "type"]
    assert "front\\x1b[2J.png" in row and "stopped_the_reader" in row, "one line per original, name escaped"

    assert cli.main(["quarantine", "release", str(original.id)]) == ExitCode.ok
    assert [ref.id for ref in pending_originals(db)] == [original.id]
    with db.transaction() as session:
        [released] = session.scalars(select(Event).where(Event.action == "original.released"))
        assert (released.actor, released.entity_id) == ("operator-7", original.id)

    assert cli.main(["quarantine", "release", str(original.id)]) == ExitCode.conflict, "not quarantined any more"
    assert cli.main(["quarantine", "release", "999"]) == ExitCode.not_found
    assert capsys.readouterr().err.splitlines() == [f"hoso: original {original.id} is received, not quarantined",
                                                    "hoso: no original with id 999"]

    [outcome] = resume_pending(db, store)
    assert outcome.status == "processed", "the next run reads it again"
    db.close()
