"""Ground-truth records written beside each generated file as <name>.truth.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .layout import Page
from .model import Document


def document_entry(doc: Document, pages: list[int], side: str | None) -> dict[str, Any]:
    """One document of a file; a single card side lists only the fields printed on it."""
    if doc.document_type == "id_card" and side in ("front", "back"):
        fields = dict(doc.side_fields[side])
    else:
        fields = dict(doc.fields)
    return {"document_type": doc.document_type, "variant": doc.variant, "pages": pages,
            "side": side if doc.document_type == "id_card" else None, "fields": fields}


def page_entry(number: int, page: Page) -> dict[str, Any]:
    return {"number": number, "text": "\n".join(page.text_lines())}


def write_truth(path: Path, file_name: str, condition: str, seed: int, item: int,
                documents: list[dict[str, Any]], pages: list[dict[str, Any]], **extra: Any) -> Path:
    record = {"file": file_name, "condition": condition, "seed": seed, "item": item,
              "documents": documents, "pages": pages, **extra}
    truth_path = path.parent / f"{path.stem}.truth.json"
    truth_path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return truth_path
