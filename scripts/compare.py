"""Developer aid: print truth vs extracted values for one generated file (fictitious data only)."""

import json
import sys
from pathlib import Path

from pipeline.evaluate import match_document, normalise
from pipeline.process import process_file

for arg in sys.argv[1:]:
    truth_path = Path(arg)
    truth = json.loads(truth_path.read_text())
    result = process_file(truth_path.parent / truth["file"]).result
    print("==", truth["file"], [(d.document_type, d.pages) for d in result.documents], result.errors)
    for expected in truth["documents"]:
        doc = match_document(expected, result.documents)
        for name, wanted in expected["fields"].items():
            got = doc.fields.get(name) if doc else None
            value = got.value if got else None
            mark = "  " if normalise(value) == normalise(wanted) else "XX"
            conf = f"{got.confidence:.2f} {got.source}" if got else "-"
            print(f"{mark} {name:28} {str(wanted)[:60]!s:60} | {str(value)[:60]} ({conf})")
