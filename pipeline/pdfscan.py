"""A bounded look at a PDF's raw bytes before PDFium or pdfminer parse it.

PDFium and pdfminer inflate a compressed stream whole before they parse it: a 1 MB Flate stream that
inflates to 1 GB of page operators costs them 1.6 GB (PDFium) and more (pdfminer). This scan walks every
``stream … endstream`` in the file and inflates the ones they would inflate whole (page contents, forms,
object and cross-reference streams, fonts, colour profiles) chunk by chunk, counting and discarding the
output, so that it never holds more than a megabyte; a stream that inflates beyond its limit is a
decompression bomb and the file is refused before anything else reads it. Images are not inflated here:
PDFium decodes Flate images a row at a time; their declared sizes (and the sizes in JPEG and JPEG 2000
headers, which PDFium does decode whole) are checked instead.

The same walk finds the names that mark active content: ``/JS`` and ``/JavaScript`` (scripts), ``/Launch``
(an action that starts a program), ``/EmbeddedFile(s)`` and ``/FileAttachment`` (files carried inside the
PDF), written plainly or with ``#xx`` escapes, in the file's dictionaries and inside its object streams.
hoso never runs or opens any of them; they are reported so that the people who open the original know.

Encrypted PDFs (those that open with an empty password: permissions only) hide their streams from a plain
walk: the loader walks them again with ``decipher``, pdfminer's decryption of one object's stream (the
stream stays compressed, so this costs the compressed size, not the inflated one).
"""

from __future__ import annotations

import binascii
import hashlib
import io
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipeline.decode import jpeg_frame, jpx_size, short
from schemas.errors import CorruptInput, DecompressionBomb, EncryptedPdf, TooLarge

MiB = 1 << 20
MAX_CONTENT_STREAM_BYTES = 16 * MiB  # page contents, forms, object streams: PDFium needs ~20x this to parse them
MAX_FONT_STREAM_BYTES = 64 * MiB  # a whole CJK font is ~20 MB
MAX_INFLATED_BYTES = 256 * MiB  # everything inflated here, per file
MAX_IMAGE_PIXELS = 80_000_000  # one image in a PDF: an A3 page at 600 dpi is 70 MP
MAX_JPX_PIXELS = 32_000_000  # OpenJPEG decodes whole images at 4 bytes per sample
OUTPUT_CHUNK = MiB
INPUT_CHUNK = 64 * 1024
HEADER_WINDOW = 64 * 1024

_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_OBJECT_NUMBER = re.compile(rb"(\d+)\s+(\d+)\s+$")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?![\d\s]*R)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>(){}%]+)")
_WIDTH = re.compile(rb"/Width\s+(\d+)(?![\d\s]*R)")
_HEIGHT = re.compile(rb"/Height\s+(\d+)(?![\d\s]*R)")
_ABBREVIATIONS = {"Fl": "FlateDecode", "LZW": "LZWDecode", "RL": "RunLengthDecode", "AHx": "ASCIIHexDecode",
                  "A85": "ASCII85Decode", "DCT": "DCTDecode", "CCF": "CCITTFaxDecode"}


def _name_pattern(groups: dict[str, tuple[str, ...]]) -> re.Pattern[bytes]:
    """A regex for PDF names, each character written plainly or as a ``#xx`` escape."""

    def spelled(name: str) -> str:
        parts = []
        for char in name:
            hex_code = f"{ord(char):02x}"
            escaped = "#" + "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in hex_code)
            parts.append(f"(?:{re.escape(char)}|{escaped})")
        return "".join(parts)

    alternatives = [f"(?P<{group}>{'|'.join(spelled(n) for n in names)})" for group, names in groups.items()]
    return re.compile(("/(?:" + "|".join(alternatives) + r")(?![^\s/\[\]<>(){}%])").encode())


_FLAGS = _name_pattern({
    "javascript": ("JavaScript", "JS"),
    "launch": ("Launch",),
    "embedded": ("EmbeddedFiles", "EmbeddedFile", "FileAttachment"),
    "encrypt": ("Encrypt",),
})
_ENCRYPT = _name_pattern({"encrypt": ("Encrypt",)})


@dataclass
class PdfScan:
    javascript: bool = False
    launch: bool = False
    embedded_files: int = 0  # embedded file streams (or 1 when only their names were seen)
    encrypted: bool = False
    streams: int = 0
    inflated_bytes: int = 0
    image_pixels: int = 0

    def merge(self, other: PdfScan) -> None:
        self.javascript |= other.javascript
        self.launch |= other.launch
        self.embedded_files = max(self.embedded_files, other.embedded_files)
        self.inflated_bytes = max(self.inflated_bytes, other.inflated_bytes)
        self.image_pixels = max(self.image_pixels, other.image_pixels)


Decipher = Callable[[int, int, bytes], bytes]


@dataclass
class _Stream:
    number: tuple[int, int] | None  # object number and generation, when written ``N G obj``
    header: bytes  # the dictionary's text
    start: int
    end: int
    kind: str


_CONTENTS = re.compile(rb"/Contents\s*(?:(\d+)\s+\d+\s+R|\[([^\]]*)\])")
_REFERENCE = re.compile(rb"(\d+)\s+\d+\s+R")
_ARRAY_OBJECT = re.compile(rb"(\d+)\s+\d+\s+obj\s*\[((?:\s*\d+\s+\d+\s+R)+)\s*\]")


class _References:
    """The objects pages draw as content (``/Contents``): a stream there is parsed by PDFium as page
    operators whatever its dictionary claims (an "image" or an "embedded file" that is really a bomb)."""

    def __init__(self) -> None:
        self.direct: set[int] = set()
        self.arrays: dict[int, set[int]] = {}

    def note(self, text: bytes) -> None:
        for match in _CONTENTS.finditer(text):
            if match.group(1):
                self.direct.add(int(match.group(1)))
            else:
                self.direct.update(int(n) for n in _REFERENCE.findall(match.group(2)))
        for match in _ARRAY_OBJECT.finditer(text):
            self.arrays[int(match.group(1))] = {int(n) for n in _REFERENCE.findall(match.group(2))}

    def contents(self) -> set[int]:
        found = set(self.direct)
        for number in self.direct:
            found |= self.arrays.get(number, set())
        return found


def scan_pdf(data: bytes, *, max_image_pixels_total: int, decipher: Decipher | None = None) -> PdfScan:
    """Walk the file's streams with bounded memory; raise DecompressionBomb/TooLarge for what is refused.

    Without ``decipher``, the streams of an encrypted file are ciphertext and are not inflated (only its
    cross-reference streams, which are never encrypted); ``scan.encrypted`` then tells the caller to walk
    it again with one. Object streams are read first: the dictionaries in them say which streams pages
    draw as content, and may hold the names that flag the file.
    """
    scan = PdfScan(encrypted=_ENCRYPT.search(data) is not None)
    readable = decipher is not None or not scan.encrypted
    streams, regions = _walk(data)
    scan.streams = len(streams)
    references = _References()
    embedded_names = False
    for start, end in regions:
        text = data[start:end]
        embedded_names |= _note_names(scan, text)
        references.note(text)
    view = memoryview(data)
    for stream in streams:
        if stream.kind == "objects":
            body = _body(view, stream, decipher)
            for chunk in _check_stream(scan, "objects", stream.header, body, max_image_pixels_total,
                                       readable and body is not None):
                embedded_names |= _note_names(scan, chunk)
                references.note(chunk)
    contents = references.contents()
    for stream in streams:
        if stream.kind == "objects":
            continue
        kind = "content" if stream.number and stream.number[0] in contents else stream.kind
        body = _body(view, stream, decipher if kind not in ("xref", "embedded") else None)
        _check_stream(scan, kind, stream.header, body, max_image_pixels_total, readable and body is not None)
    if embedded_names and not scan.embedded_files:
        scan.embedded_files = 1
    return scan


def _walk(data: bytes) -> tuple[list[_Stream], list[tuple[int, int]]]:
    """The file's streams, and the spans between them (dictionaries, arrays, the trailer)."""
    streams: list[_Stream] = []
    regions: list[tuple[int, int]] = []
    position = 0
    while True:
        found = _STREAM.search(data, position)
        if not found:
            regions.append((position, len(data)))
            return streams, regions
        regions.append((position, found.start() + 2))
        number, header = _header(data, position, found.start())
        body_end = _stream_end(data, header, found.end())
        streams.append(_Stream(number, header, found.end(), body_end, _kind(header)))
        position = max(body_end, found.end())


def _body(view: memoryview, stream: _Stream, decipher: Decipher | None) -> memoryview | None:
    """The stream's data as stored, decrypted when a decipher is given (None when that fails: a stream the
    handler cannot decrypt is one PDFium cannot read either)."""
    body = view[stream.start:stream.end]
    if decipher is None or stream.number is None:
        return body
    try:
        return memoryview(decipher(stream.number[0], stream.number[1], bytes(body)))
    except Exception:
        return None


def _note_names(scan: PdfScan, text: bytes) -> bool:
    embedded = False
    for match in _FLAGS.finditer(text):
        group = match.lastgroup
        if group == "javascript":
            scan.javascript = True
        elif group == "launch":
            scan.launch = True
        elif group == "embedded":
            embedded = True
        elif group == "encrypt":
            scan.encrypted = True
    return embedded


def _header(data: bytes, floor: int, keyword: int) -> tuple[tuple[int, int] | None, bytes]:
    """The stream's object number and generation (when written ``N G obj``) and its dictionary's text."""
    start = data.rfind(b"obj", max(floor, keyword - HEADER_WINDOW), keyword)
    if start < 0:
        return None, data[max(floor, keyword - 4096):keyword + 2]
    found = _OBJECT_NUMBER.search(data, max(0, start - 32), start)
    number = (int(found.group(1)), int(found.group(2))) if found else None
    return number, data[start:keyword + 2]


def _stream_end(data: bytes, header: bytes, body_start: int) -> int:
    length = _LENGTH.search(header)
    if length:
        end = body_start + int(length.group(1))
        if end <= len(data) and data[end:end + 64].lstrip(b"\r\n \t\x00\x0c").startswith(b"endstream"):
            return end
    found = data.find(b"endstream", body_start)
    return found if found >= 0 else len(data)


def _filters(header: bytes) -> list[str]:
    found = _FILTER.search(header)
    if not found:
        return []
    names = [_decode_name(n) for n in _NAME.findall(found.group(1))]
    return [_ABBREVIATIONS.get(n, n) for n in names]


def _decode_name(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _kind(header: bytes) -> str:
    """What PDFium does with the stream: decodes an image a row at a time; parses the rest whole."""
    names = {_decode_name(n) for n in _NAME.findall(header)}
    if "Image" in names and "Subtype" in names:
        return "image"
    if "Form" in names and "Subtype" in names:
        return "content"  # a form XObject is drawn like page content, whatever else its dictionary says
    if "EmbeddedFile" in names:
        return "embedded"
    if names & {"Length1", "Length2", "Length3", "FontFile", "Type1C", "CIDFontType0C", "OpenType"}:
        return "font"
    if "ObjStm" in names:
        return "objects"
    if "XRef" in names:
        return "xref"
    return "content"


def _check_stream(scan: PdfScan, kind: str, header: bytes, body: memoryview | None, max_image_pixels_total: int,
                  readable: bool) -> list[bytes]:
    """Check one stream; for an object stream, return its inflated text in chunks (overlapping by a few kB,
    so that a name or an array cut between two chunks is whole in one of them)."""
    if kind == "embedded":  # never decoded, by us or by PDFium: only counted
        scan.embedded_files += 1
        return []
    filters = _filters(header)
    if body is None:
        return []
    if kind == "image":
        _check_image(scan, header, body, filters, max_image_pixels_total, readable)
        return []
    if not readable and kind != "xref":  # ciphertext: walked again with a decipher
        return []
    limit = MAX_FONT_STREAM_BYTES if kind == "font" else MAX_CONTENT_STREAM_BYTES
    remaining = MAX_INFLATED_BYTES - scan.inflated_bytes
    chunks: list[bytes] = []
    tail = [b""]

    def keep(chunk: bytes) -> None:
        chunks.append(tail[0] + chunk)
        tail[0] = chunk[-4096:]

    size = _decoded_size(body, filters, min(limit, remaining), keep if kind == "objects" else None)
    if size is None:
        what = "a font" if kind == "font" else "a page-content or object stream"
        if remaining < limit:
            raise DecompressionBomb(f"the PDF's compressed streams inflate to more than {MAX_INFLATED_BYTES // MiB} "
                                    "MiB in all: a decompression bomb, refused before parsing")
        raise DecompressionBomb(f"{what} in the PDF inflates to more than {limit // MiB} MiB from "
                                f"{len(body):,} bytes: a decompression bomb, refused before parsing")
    scan.inflated_bytes += size
    return chunks


def _check_image(scan: PdfScan, header: bytes, body: memoryview, filters: list[str],
                 max_image_pixels_total: int, readable: bool) -> None:
    width, height = _int(_WIDTH, header), _int(_HEIGHT, header)
    sizes = [(width, height)] if width and height else []
    limit = MAX_IMAGE_PIXELS
    last = filters[-1] if filters else None
    if last in ("DCTDecode", "JPXDecode") and readable:
        head = _head_bytes(body, filters[:-1], 64 * 1024)  # a JPEG frame header comes after its APP segments
        if last == "DCTDecode":
            frame = jpeg_frame(head) if head else None
            if frame:
                sizes.append((frame.width, frame.height))
        else:
            limit = MAX_JPX_PIXELS
            declared = jpx_size(head) if head else None
            if declared:
                sizes.append(declared)
    if not sizes:
        return
    width, height = max(sizes, key=lambda size: size[0] * size[1])
    pixels = width * height
    if pixels > limit:
        kind = DecompressionBomb if pixels > 100 * max(1, len(body)) else TooLarge
        tail = ": a decompression bomb, refused before rendering" if kind is DecompressionBomb else ""
        raise kind(f"an image in the PDF is {width}x{height} pixels, over the {limit:,} pixel limit{tail}")
    scan.image_pixels += pixels
    if scan.image_pixels > max_image_pixels_total:
        raise TooLarge(f"the PDF's images hold more than {max_image_pixels_total:,} pixels in all, over the "
                       "per-file limit")


def _int(pattern: re.Pattern[bytes], header: bytes) -> int | None:
    found = pattern.search(header)
    return int(found.group(1)) if found else None


def _head_bytes(body: memoryview, filters: list[str], size: int) -> bytes | None:
    """The first ``size`` bytes of a stream after its leading filters (Flate, ASCII), or None."""
    data = bytes(body[:4 * size + 1024])  # no leading filter here turns more than ~4 input bytes into one
    for name in filters:
        if name == "FlateDecode":
            try:
                data = zlib.decompressobj().decompress(data, size)
            except zlib.error:
                return None
        elif name in ("ASCIIHexDecode", "ASCII85Decode"):
            decoded = _ascii_decode(name, data, partial=True)
            if decoded is None:
                return None
            data = decoded
        else:
            return None
    return data[:size]


def _decoded_size(body: memoryview, filters: list[str], limit: int, on_output=None) -> int | None:
    """How many bytes the stream's first expanding filter produces, or None when that is over ``limit``.

    ASCII filters in front are decoded (they only shrink); Flate, LZW and RunLength are counted with
    bounded memory; anything else (DCT, CCITT, JBIG2, Crypt, unknown) is left to PDFium, which decodes
    those a row at a time or within its own limits.
    """
    data: bytes | memoryview = body
    for name in filters:
        if name in ("ASCIIHexDecode", "ASCII85Decode"):
            decoded = _ascii_decode(name, bytes(data))
            if decoded is None:
                return len(body)
            data = decoded
            continue
        if name == "FlateDecode":
            return _inflated_size(data, limit, on_output)
        if name == "LZWDecode":
            return _lzw_size(data, limit)
        if name == "RunLengthDecode":
            return _run_length_size(data, limit)
        return len(data)
    return len(data) if len(data) <= limit else None


def _ascii_decode(name: str, data: bytes, partial: bool = False) -> bytes | None:
    """ASCIIHex or ASCII85 data decoded; a ``partial`` prefix is cut to whole groups."""
    try:
        if name == "ASCIIHexDecode":
            text = re.sub(rb"\s", b"", data.split(b">")[0])
            if partial:
                text = text[:len(text) - len(text) % 2]
            return binascii.unhexlify(text + b"0" * (len(text) % 2))
        text = re.sub(rb"\s", b"", data)
        text = text[2:] if text.startswith(b"<~") else text  # before looking for "~>": "<~>" may start it
        return _ascii85(text.split(b"~>")[0], partial)
    except (ValueError, binascii.Error):
        return None


_BASE85 = np.array([85**4, 85**3, 85**2, 85, 1], np.uint64)


def _ascii85(text: bytes, partial: bool) -> bytes:
    """ASCII85 decoded with numpy (Python's ``base64.a85decode`` manages ~2 MB/s: seconds for a large image)."""
    out = []
    segments = text.split(b"z")  # "z" stands for four zero bytes, between groups
    for index, segment in enumerate(segments):
        if index:
            out.append(b"\x00" * 4)
        whole = len(segment) - len(segment) % 5
        if whole:
            digits = np.frombuffer(segment[:whole], np.uint8).reshape(-1, 5).astype(np.int64) - 33
            if digits.min() < 0 or digits.max() > 84:
                raise ValueError("not ASCII85")
            values = digits.astype(np.uint64) @ _BASE85
            if values.max() > 0xFFFFFFFF:
                raise ValueError("ASCII85 group out of range")
            out.append(values.astype(">u4").tobytes())
        rest = segment[whole:]
        if rest and not (partial and index == len(segments) - 1):
            if len(rest) == 1:
                raise ValueError("a lone ASCII85 digit")
            padded = np.frombuffer(rest + b"u" * (5 - len(rest)), np.uint8).astype(np.int64) - 33
            if padded.min() < 0 or padded.max() > 84:
                raise ValueError("not ASCII85")
            value = int(padded.astype(np.uint64) @ _BASE85)
            out.append(min(value, 0xFFFFFFFF).to_bytes(4, "big")[:len(rest) - 1])
    return b"".join(out)


def _inflated_size(data: bytes | memoryview, limit: int, on_output=None) -> int | None:
    decompressor = zlib.decompressobj()
    total = 0
    view = memoryview(data)
    for start in range(0, max(1, len(view)), INPUT_CHUNK):
        pending: bytes | memoryview = view[start:start + INPUT_CHUNK]
        while True:
            try:
                out = decompressor.decompress(pending, OUTPUT_CHUNK)
            except zlib.error:
                return total  # damaged data: PDFium stops reading there too
            total += len(out)
            if total > limit:
                return None
            if on_output is not None and out:
                on_output(out)
            pending = decompressor.unconsumed_tail
            if decompressor.eof:
                return total
            if not pending and len(out) < OUTPUT_CHUNK:
                break
    return total


def _lzw_size(data: bytes | memoryview, limit: int, early: int = 1) -> int | None:
    """Count LZW output without producing it: each new code's string is one byte longer than the last one.
    (``early`` is /EarlyChange, 1 by default; 0 is vanishingly rare and only shortens what is counted.)"""
    raw = bytes(data)
    lengths: dict[int, int] = {}
    width, next_code, previous = 9, 258, 0
    total = bit_buffer = bit_count = 0
    for byte in raw:
        bit_buffer = (bit_buffer << 8) | byte
        bit_count += 8
        while bit_count >= width:
            bit_count -= width
            code = (bit_buffer >> bit_count) & ((1 << width) - 1)
            if code == 256:
                width, next_code, previous = 9, 258, 0
                lengths.clear()
                continue
            if code == 257:
                return total
            if code < 256:
                length = 1
            elif code in lengths:
                length = lengths[code]
            elif code == next_code and previous:
                length = previous + 1
            else:
                return total  # damaged
            if previous and next_code < 4096:
                lengths[next_code] = previous + 1
                next_code += 1
                if next_code + early >= (1 << width) and width < 12:
                    width += 1
            previous = length
            total += length
            if total > limit:
                return None
        bit_buffer &= (1 << bit_count) - 1
    return total


def _run_length_size(data: bytes | memoryview, limit: int) -> int | None:
    raw = bytes(data)
    total, index = 0, 0
    while index < len(raw):
        length = raw[index]
        if length == 128:
            break
        if length < 128:
            total += length + 1
            index += length + 2
        else:
            total += 257 - length
            index += 2
        if total > limit:
            return None
    return total


def decipher_for(data: bytes) -> Decipher:
    """Decryption of one object's stream data for a PDF that opens with an empty password (the standard
    security handler: RC4 or AES, revisions 2 to 6). pdfminer derives the file key and decrypts AES; RC4,
    which pdfminer does in pure Python (~20 kB/s), is done here with ``cryptography``."""
    # lazy: pdfminer (with the cryptography it imports) costs ~35 ms and ~20 MB; only encrypted PDFs need it
    from pdfminer.pdfdocument import (
        PDFDocument,
        PDFEncryptionError,
        PDFPasswordIncorrect,
        PDFStandardSecurityHandler,
        PDFStandardSecurityHandlerV4,
    )
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect as exc:
        raise EncryptedPdf("the PDF is password-protected") from exc
    except PDFEncryptionError as exc:
        raise EncryptedPdf(f"the PDF's encryption cannot be checked ({short(exc)}): send it unencrypted") from exc
    except Exception as exc:
        raise CorruptInput(f"the encrypted PDF cannot be checked ({short(exc)})") from exc
    decrypt: Decipher | None = getattr(document, "decipher", None)
    handler = getattr(decrypt, "__self__", None)
    if decrypt is None or handler is None:
        return lambda number, generation, body: body

    def rc4(number: int, generation: int, body: bytes) -> bytes:
        key = handler.key + struct.pack("<L", number)[:3] + struct.pack("<L", generation)[:2]
        return _arc4(hashlib.md5(key).digest()[:min(len(key), 16)], body)

    if type(handler) is PDFStandardSecurityHandler:  # revisions 2 and 3: RC4 only
        return rc4
    if isinstance(handler, PDFStandardSecurityHandlerV4):  # revisions 4 to 6: one method per crypt filter
        for name, method in list(handler.cfm.items()):
            if getattr(method, "__func__", None) is PDFStandardSecurityHandler.decrypt_rc4:
                handler.cfm[name] = rc4
        stream_filter = getattr(handler, "stmf", None)
        return lambda number, generation, body: handler.decrypt(number, generation, body, None, stream_filter)
    return decrypt


def _arc4(key: bytes, data: bytes) -> bytes:
    # lazy: cryptography adds ~9 MB to a process; only RC4-encrypted PDFs need it, and by then pdfminer
    # (decipher_for) has loaded it already
    from cryptography.hazmat.primitives.ciphers import Cipher

    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
    except ImportError:  # cryptography < 43
        from cryptography.hazmat.primitives.ciphers.algorithms import ARC4  # type: ignore[no-redef]
    decryptor = Cipher(ARC4(key), mode=None).decryptor()
    return decryptor.update(data) + decryptor.finalize()
