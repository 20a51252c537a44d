"""One exception tree for bad input; each error carries a stable code for the JSON and the logs."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    input_failed = 1
    usage = 2


class HosoError(Exception):
    """An input hoso cannot process, with a one-line reason a person can act on."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmptyInput(HosoError):
    code = "empty"


class UnsupportedType(HosoError):
    code = "unsupported_type"


class CorruptInput(HosoError):
    code = "corrupt"


class EncryptedPdf(HosoError):
    code = "encrypted_pdf"


class TooLarge(HosoError):
    code = "too_large"


class OcrFailed(HosoError):
    code = "ocr_failed"
