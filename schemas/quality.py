"""Capture-quality verdicts: part of the JSON contract (the counter's upload answer, ``POST /v1/quality``).

Each verdict is a stable ``code``, a ``severity`` (``retake``: the capture should be taken again before
anything is read from it; ``notice``: worth telling the citizen, nothing to retake), a sentence a clerk can
read aloud to the citizen (``message``, Vietnamese) and the same in English for logs (``message_en``), and
``detail``: the measurement behind it (numbers only, never a value read from the document).

``pipeline.quality`` decides them per page, before and independently of extraction. Which ones are detected
reliably, and how often they are raised on good captures, is measured by ``python -m tools.capture_quality``
(README, "At the counter").
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

QualityCode = Literal["blurred", "too_dark", "too_bright", "glare", "too_small", "cut_off", "no_document",
                      "photocopy", "unreadable"]
Severity = Literal["retake", "notice"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class QualityVerdict(_Body):
    """One thing wrong with a capture (or worth saying about it)."""

    code: QualityCode = Field(description="stable code: blurred, too_dark, too_bright, glare, too_small, cut_off, "
                                          "no_document, photocopy, unreadable")
    severity: Severity = Field(description="`retake`: take it again; `notice`: tell the citizen, nothing to retake")
    message: str = Field(description="what to tell the citizen, in Vietnamese (to be read aloud)")
    message_en: str = Field(description="the same in English, for logs")
    detail: str | None = Field(None, description="the measurement behind the verdict (numbers only)")


class PageQuality(_Body):
    """The verdicts on one page of a file."""

    page: int = Field(ge=1)
    checked: bool = Field(description="false for a born-digital page (a PDF text layer): no capture to judge")
    width: int = Field(description="the page image's size in pixels, as loaded (0 for a text-layer page)")
    height: int
    verdicts: list[QualityVerdict]


class FileQuality(_Body):
    """The verdicts on one file: its own (``unreadable``) and each page's."""

    index: int = Field(ge=1, description="the file's position in the upload (1-based)")
    source_name: str
    ok: bool = Field(description="no verdict asks for a retake")
    verdicts: list[QualityVerdict] = Field(description="about the whole file (e.g. it cannot be read)")
    pages: list[PageQuality]

    @property
    def retakes(self) -> list[QualityVerdict]:
        return [v for v in self.verdicts + [v for p in self.pages for v in p.verdicts] if v.severity == "retake"]


# code → (severity, Vietnamese sentence to read aloud, English for logs)
VERDICT_TEXTS: dict[str, tuple[Severity, str, str]] = {
    "blurred": ("retake", "Ảnh bị mờ, vui lòng giữ chắc máy, lấy nét rồi chụp lại.",
                "The image is blurred: hold steady, let it focus and retake."),
    "too_dark": ("retake", "Ảnh quá tối, vui lòng chụp lại ở nơi đủ ánh sáng.",
                 "The image is too dark: retake it in better light."),
    "too_bright": ("retake", "Ảnh quá sáng, chữ bị nhạt, vui lòng tắt đèn flash hoặc giảm ánh sáng rồi chụp lại.",
                   "The image is overexposed and the print washed out: no flash, less light, and retake."),
    "glare": ("retake", "Giấy tờ bị lóa sáng, vui lòng nghiêng giấy tờ tránh ánh đèn rồi chụp lại.",
              "Glare on the document: tilt it away from the light and retake."),
    "too_small": ("retake", "Giấy tờ quá nhỏ trong ảnh, vui lòng chụp gần hơn để giấy tờ chiếm gần hết khung hình.",
                  "The document is too small in the frame (too few pixels for its print): move closer so that "
                  "it fills most of the frame."),
    "cut_off": ("retake", "Giấy tờ bị mất góc hoặc mất cạnh, vui lòng chụp lại cho thấy đủ cả bốn góc.",
                "A corner or an edge of the document is cut off: retake with all four corners in the frame."),
    "no_document": ("retake", "Không thấy giấy tờ trong ảnh, vui lòng đặt giấy tờ vào giữa khung hình rồi chụp lại.",
                    "No document found in the image: put the document in the middle of the frame and retake."),
    "photocopy": ("notice", "Giấy tờ này có thể là bản photo, không phải bản chính. Nếu thủ tục yêu cầu bản chính, "
                            "vui lòng chụp bản chính.",
                  "This looks like a photocopy, not the original: if the procedure needs the original, "
                  "photograph the original."),
    "unreadable": ("retake", "Không đọc được tệp này, vui lòng chụp hoặc quét lại.",
                   "The file cannot be read: take or scan it again."),
}


def verdict(code: QualityCode, detail: str | None = None) -> QualityVerdict:
    """The verdict ``code`` with its sentences."""
    severity, message, message_en = VERDICT_TEXTS[code]
    return QualityVerdict(code=code, severity=severity, message=message, message_en=message_en, detail=detail)
