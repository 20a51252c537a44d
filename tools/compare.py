"""Developer aid: truth vs extracted values for generated files (fictitious data only).

    python -m tools.compare FILE.truth.json...        every field, XX where wrong
    python -m tools.compare --confident-wrong DIR      only wrong values stated with confidence >= 0.9
Results are cached in /tmp/hoso-compare (or $HOSO_COMPARE_CACHE) by file hash, so re-runs after extractor changes re-extract
from the cached pages without OCR.
"""

import json
import os
import sys
from pathlib import Path

from tools.evaluate import match_document, normalise, result_for

CACHE = Path(os.environ.get("HOSO_COMPARE_CACHE", "/tmp/hoso-compare"))


def rows(truth_path: Path, only_confident_wrong: bool):
    truth = json.loads(truth_path.read_text())
    result = result_for(truth_path.parent / truth["file"], CACHE)
    for expected in truth["documents"]:
        doc = match_document(expected, result.documents, result.pages)
        for name, wanted in expected["fields"].items():
            got = doc.fields.get(name) if doc else None
            value = got.value if got else None
            ok = normalise(value) == normalise(wanted)
            if only_confident_wrong and (ok or got is None or got.confidence < 0.9):
                continue
            conf = f"{got.confidence:.2f} {got.source}" if got else "-"
            yield f"{'  ' if ok else 'XX'} {truth['file'][:34]:34} {name:26} {str(wanted)[:50]!s:50} | {str(value)[:50]} ({conf})"


if __name__ == "__main__":
    args = sys.argv[1:]
    confident = args[:1] == ["--confident-wrong"]
    paths = sorted(Path(args[1]).glob("*.truth.json")) if confident else [Path(a) for a in args]
    for truth_path in paths:
        for row in rows(truth_path, confident):
            print(row)
