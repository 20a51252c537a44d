"""One exception tree for everything hoso refuses or fails at, mapped once to exit codes (``hoso.cli``)
and once to HTTP problems (``service``). Each error carries a stable ``code`` for JSON and logs, and a
one-line ``message`` a person can act on; messages never carry personal data (names, id numbers).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a ``hoso`` command's exit status means (documented in the README)."""

    ok = 0
    input_failed = 1         # some input files were refused or quarantined; the others were processed
    usage = 2                # bad arguments
    not_found = 3            # the thing asked for does not exist (a folder, a record, a procedure)
    conflict = 4             # the state changed under the command (a stale version)
    all_failed = 5           # every input file was refused or quarantined
    missing_dependency = 6   # Tesseract, its Vietnamese data, or another required program is missing
    configuration = 7        # a setting is invalid
    storage = 8              # the object store or the database could not be reached
    other_error = 15
    interrupted = 130        # Ctrl-C


class HosoError(Exception):
    """Base of every error hoso raises on purpose."""

    code = "error"
    exit_code = ExitCode.other_error
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(HosoError):
    """A file hoso cannot process: it is kept (quarantined) and the reason reported."""

    code = "bad_input"
    exit_code = ExitCode.input_failed
    http_status = 422


class EmptyInput(BadInput):
    code = "empty"


class UnsupportedType(BadInput):
    code = "unsupported_type"
    http_status = 415


class CorruptInput(BadInput):
    code = "corrupt"


class EncryptedPdf(BadInput):
    code = "encrypted_pdf"


class UnsupportedPixelFormat(UnsupportedType):
    """An image whose samples cannot be turned into a faithful 8-bit page (floating-point or 32-bit samples,
    a colour space we do not convert): refused rather than read as a blank or garbled page."""

    code = "unsupported_pixel_format"


class TooLarge(BadInput):
    code = "too_large"
    http_status = 413


class TooManyPages(TooLarge):
    """More pages (PDF) or frames (TIFF, GIF, WebP) in one file than a dossier file holds."""

    code = "too_many_pages"


class PageTooLarge(TooLarge):
    """A PDF page so large that it cannot be rendered at a legible resolution within the pixel limit."""

    code = "page_too_large"


class DecompressionBomb(TooLarge):
    """A few bytes that would decode to far more pixels or data than any scan: refused before decoding."""

    code = "decompression_bomb"


class OcrFailed(BadInput):
    code = "ocr_failed"


class InvalidValue(HosoError):
    """A value given by a person (a correction, an argument) that cannot be right."""

    code = "invalid_value"
    exit_code = ExitCode.usage
    http_status = 422


class NotFound(HosoError):
    code = "not_found"
    exit_code = ExitCode.not_found
    http_status = 404


class UnknownProcedure(NotFound):
    code = "unknown_procedure"


class UnknownDocumentType(NotFound):
    code = "unknown_document_type"


class Conflict(HosoError):
    """The state changed under the caller (a stale version, a quarantined original)."""

    code = "conflict"
    exit_code = ExitCode.conflict
    http_status = 409


class StorageError(HosoError):
    """The object store or the database failed (transient faults are retried before this is raised)."""

    code = "storage"
    exit_code = ExitCode.storage
    http_status = 503


class ConfigurationError(HosoError):
    code = "configuration"
    exit_code = ExitCode.configuration
    http_status = 500


class MissingDependency(HosoError):
    code = "missing_dependency"
    exit_code = ExitCode.missing_dependency
    http_status = 500
