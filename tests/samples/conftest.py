from __future__ import annotations

import json
from pathlib import Path

import pytest

from samples.generator import CONDITIONS, generate


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, dict]]:
    """One small run covering every condition (and so every file kind); shared by the tests."""
    out = tmp_path_factory.mktemp("samples")
    files = generate(out, count=len(CONDITIONS) + 3, seed=20261124)
    return [(f, json.loads((f.parent / f"{f.stem}.truth.json").read_text(encoding="utf-8"))) for f in files]
