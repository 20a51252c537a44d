"""A corpus of bad and awkward input files, generated (nothing binary is committed), each with the outcome
the loader must give: decoded (with its page count and warnings) or refused with a specific reason code.

``python tests/badinput/corpus.py [KIND…]`` prints each kind's outcome and the peak memory of a fresh
process that fully decodes it (``pipeline.load.check_decodable``), for the README and reports.
"""

from __future__ import annotations

import functools
import io
import json
import random
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import render  # noqa: E402

MiB = 1 << 20


@dataclass(frozen=True)
class Expected:
    """A kind's outcome: ``code`` None means decoded, with ``pages`` pages and at least ``warnings``."""

    code: str | None = None
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    words: str | None = None  # in the refusal's message


@dataclass(frozen=True)
class Kind:
    name: str
    make: Callable[[], bytes]
    expected: Expected
    file_name: str = "file"
    heavy: bool = False  # measured for peak memory in a fresh process by the tests
    notes: str = ""
    tags: tuple[str, ...] = field(default=())


# --- a rendered page and its twins -----------------------------------------------------------------------


@functools.cache
def page_grey() -> np.ndarray:
    """A small page of real Vietnamese text (grey, 150 dpi), the source of every image twin."""
    return render.render_page(render.PARAGRAPH[:4], dpi=150)


def encode_cv(image: np.ndarray, ext: str, *params: int) -> bytes:
    ok, buffer = cv2.imencode(ext, image, list(params))
    assert ok
    return buffer.tobytes()


def pil_bytes(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def rgb_png() -> bytes:
    return encode_cv(cv2.cvtColor(page_grey(), cv2.COLOR_GRAY2BGR), ".png")


def grey16_tiff() -> bytes:
    return encode_cv(page_grey().astype(np.uint16) * 257, ".tiff")


def grey16_png() -> bytes:
    return encode_cv(page_grey().astype(np.uint16) * 257, ".png")


def rgb16_png() -> bytes:
    return encode_cv(cv2.cvtColor(page_grey(), cv2.COLOR_GRAY2BGR).astype(np.uint16) * 257, ".png")


def rgb16_tiff() -> bytes:
    return encode_cv(cv2.cvtColor(page_grey(), cv2.COLOR_GRAY2BGR).astype(np.uint16) * 257, ".tiff")


def rgba16_png() -> bytes:
    """Black ink whose coverage is the alpha, on a transparent background, at 16 bits per sample."""
    alpha = (255 - page_grey()).astype(np.uint16) * 257
    black = np.zeros_like(alpha)
    return encode_cv(np.dstack([black, black, black, alpha]), ".png")


def alpha_png() -> bytes:
    """Black ink on a transparent background (what a card cut out in an editor looks like): read as all
    black if the alpha is dropped."""
    alpha = 255 - page_grey()
    black = np.zeros_like(alpha)
    return pil_bytes(Image.fromarray(np.dstack([black, black, black, alpha]), "RGBA"), "PNG")


def la_png() -> bytes:
    alpha = 255 - page_grey()
    return pil_bytes(Image.fromarray(np.dstack([np.zeros_like(alpha), alpha]), "LA"), "PNG")


def palette_png() -> bytes:
    rgb = Image.fromarray(page_grey()).convert("RGB")
    return pil_bytes(rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE), "PNG")


def palette_transparent_png() -> bytes:
    """A palette image whose white entry is transparent (tRNS)."""
    image = Image.fromarray(page_grey()).convert("P")
    palette = image.getpalette()
    white = next(i for i in range(len(palette) // 3) if palette[3 * i:3 * i + 3] == [255, 255, 255])
    return pil_bytes(image, "PNG", transparency=white)


def fully_transparent_png() -> bytes:
    """The page in the colour channels, alpha 0 everywhere: a broken export; read from its colours."""
    grey = page_grey()
    return pil_bytes(Image.fromarray(np.dstack([grey, grey, grey, np.zeros_like(grey)]), "RGBA"), "PNG")


def rgb_jpeg() -> bytes:
    return pil_bytes(Image.fromarray(page_grey()).convert("RGB"), "JPEG", quality=95)


def cmyk_jpeg() -> bytes:
    return pil_bytes(Image.fromarray(page_grey()).convert("RGB").convert("CMYK"), "JPEG", quality=95)


def bilevel_tiff() -> bytes:
    return pil_bytes(Image.fromarray(page_grey()).point(lambda v: 255 if v >= 128 else 0).convert("1"),
                     "TIFF", compression="group4", dpi=(150, 150))


def lab_tiff() -> bytes:
    from PIL import ImageCms

    rgb = Image.fromarray(page_grey()).convert("RGB")
    lab = ImageCms.profileToProfile(rgb, ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"),
                                    outputMode="LAB")
    return pil_bytes(lab, "TIFF")


def webp() -> bytes:
    return pil_bytes(Image.fromarray(page_grey()).convert("RGB"), "WEBP", lossless=True)


def gif() -> bytes:
    return pil_bytes(Image.fromarray(page_grey()), "GIF")


def bmp() -> bytes:
    return pil_bytes(Image.fromarray(page_grey()).convert("RGB"), "BMP")


def mpo_photo() -> bytes:
    """A phone's JPEG with a second, smaller image after it (MPO: a preview or a depth map): one page."""
    photo = Image.fromarray(page_grey()).convert("RGB")
    return pil_bytes(photo, "MPO", save_all=True, append_images=[photo.resize((200, 283))])


def exif_rotated_jpeg() -> bytes:
    image = Image.fromarray(np.ascontiguousarray(np.rot90(page_grey(), 1)))  # stored on its side
    exif = image.getexif()
    exif[0x0112] = 6  # "turn 90° clockwise to show"
    return pil_bytes(image, "JPEG", exif=exif, quality=90)


def multipage_tiff() -> bytes:
    frames = [Image.fromarray(page_grey()), Image.fromarray(255 - page_grey()), Image.fromarray(page_grey())]
    return pil_bytes(frames[0], "TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate")


def float_tiff() -> bytes:
    return pil_bytes(Image.fromarray(page_grey().astype(np.float32) / 255), "TIFF")


def int32_tiff() -> bytes:
    return pil_bytes(Image.fromarray(page_grey().astype(np.int32) * 16_843_009), "TIFF")


def frames_tiff(count: int) -> bytes:
    frames = [Image.new("L", (64, 64), 255 - i % 200) for i in range(count)]
    return pil_bytes(frames[0], "TIFF", save_all=True, append_images=frames[1:])


def frames_gif(count: int) -> bytes:
    frames = [Image.new("L", (64, 64), (i * 37) % 256) for i in range(count)]
    return pil_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def big_photo_jpeg(progressive: bool = False) -> bytes:
    """A 72 MP photo (12000x6000), over the 50 MP page limit: decoded at half size by the JPEG decoder."""
    tile = cv2.resize(page_grey(), (1500, 2000))
    image = np.tile(tile, (3, 8))
    return pil_bytes(Image.fromarray(image), "JPEG", quality=70, progressive=progressive)


def oversized_png() -> bytes:
    """A real 56 MP scan (not a bomb: it has the bytes to match), over the page limit."""
    height, width = 7000, 8000
    image = np.full((height, width), 255, np.uint8)
    rng = np.random.default_rng(5)
    image[:120] = rng.integers(0, 256, (120, width), dtype=np.uint8)  # ~1 MB that does not compress
    return encode_cv(image, ".png")


def a4_scan(dpi: int = 300) -> np.ndarray:
    return render.render_page(render.PARAGRAPH, dpi=dpi)


def long_scanned_pdf(pages: int = 60) -> bytes:
    """60 A4 pages scanned at 300 dpi (colour JPEGs): 1.6 GB as decoded pixels, more than is kept at once."""
    page = Image.fromarray(a4_scan()).convert("RGB")
    return pil_bytes(page, "PDF", resolution=300, save_all=True, append_images=[page] * (pages - 1))


def long_colour_tiff(frames: int = 50) -> bytes:
    """50 A4 colour frames at 300 dpi, at the frame limit: 1.3 GB as decoded pixels."""
    page = Image.fromarray(a4_scan()).convert("RGB")
    return pil_bytes(page, "TIFF", save_all=True, append_images=[page] * (frames - 1), compression="tiff_deflate")


def rgba_png_at_limit() -> bytes:
    """A 49 MP transparent PNG, just under the page limit: the most memory one image page may take."""
    side = 7000
    alpha = np.zeros((side, side), np.uint8)
    text = 255 - cv2.resize(page_grey(), (side * page_grey().shape[1] // page_grey().shape[0], side))[:, :side]
    alpha[:, :text.shape[1]] = text
    black = np.zeros_like(alpha)
    return encode_cv(np.dstack([black, black, black, alpha]), ".png")


# --- image bombs ----------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bomb(side: int = 40_000) -> bytes:
    """A 1-bit PNG of ``side`` x ``side`` white pixels, every row really there: 1.6 GP from ~200 kB."""
    row = b"\x00" + b"\xff" * (side // 8)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib_repeated(b"", row * 200, side // 200)) + _png_chunk(b"IEND", b""))


def tiff_bomb(side: int = 40_000) -> bytes:
    """A 1-bit Deflate TIFF of ``side`` x ``side`` pixels in one strip, every row really there."""
    strip = zlib_repeated(b"", b"\x00" * (side // 8) * 200, side // 200)
    entries = [
        (256, 4, 1, side), (257, 4, 1, side), (258, 3, 1, 1), (259, 3, 1, 8), (262, 3, 1, 0),
        (273, 4, 1, 0), (277, 3, 1, 1), (278, 4, 1, side), (279, 4, 1, len(strip)),
    ]
    ifd_offset = 8
    data_offset = ifd_offset + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        if tag == 273:
            value = data_offset
        packed = struct.pack("<HHI", tag, kind, count)
        packed += struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        ifd += packed
    ifd += struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", ifd_offset) + ifd + strip


def jpeg_bomb() -> bytes:
    """A real JPEG whose header is patched to declare 65,000 x 65,000 pixels (4.2 GP)."""
    data = bytearray(encode_cv(np.full((16, 16), 255, np.uint8), ".jpg"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", 65_000, 65_000)
    return bytes(data)


def gif_bomb() -> bytes:
    """A GIF declaring a 65,535 x 65,535 screen and image (4.3 GP) with a few bytes of data."""
    data = bytearray(pil_bytes(Image.new("L", (1, 1), 255), "GIF"))
    data[6:10] = struct.pack("<HH", 65_535, 65_535)
    descriptor = data.index(b"\x2c\x00\x00\x00\x00")
    data[descriptor + 5:descriptor + 9] = struct.pack("<HH", 65_535, 65_535)
    return bytes(data)


# --- PDFs -----------------------------------------------------------------------------------------------


def pdf_file(objects: list[bytes], trailer: bytes = b"", header: bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n") -> bytes:
    """A PDF of the given object bodies (object n is objects[n-1], 1 is the catalog), with a correct xref."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def pdf_stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


PAGE_TEXT = b"BT /F1 14 Tf 72 760 Td (Hello from a test page of the bad-input corpus) Tj ET"


def simple_pdf(catalog_extra: bytes = b"", extra_objects: list[bytes] | None = None,
               media_box: bytes = b"[0 0 595 842]", content: bytes = PAGE_TEXT) -> bytes:
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + media_box
        + b" /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        pdf_stream(b"", content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *(extra_objects or []),
    ])


def text_pdf(password: str | None = None, owner_password: str | None = None) -> bytes:
    """A born-digital A4 PDF with an embedded Vietnamese font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSerif", render.FONT_CANDIDATES[0]))
    out = io.BytesIO()
    encrypt = None
    if password is not None or owner_password is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(password or "", ownerPassword=owner_password, canPrint=0)
    pdf = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    pdf.setFont("DejaVuSerif", 12)
    y = 780
    for line in render.PARAGRAPH[:4]:
        pdf.drawString(60, y, line)
        y -= 20
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def image_pdf() -> bytes:
    return pil_bytes(Image.fromarray(page_grey()), "PDF", resolution=150)


def truncated_pdf() -> bytes:
    data = image_pdf()
    return data[:len(data) // 2]


def broken_xref_pdf() -> bytes:
    """Every xref offset wrong by 7 bytes (a file edited by hand): PDFium rebuilds the table."""
    data = simple_pdf()
    head, _, rest = data.partition(b"xref\n")
    lines = rest.split(b"\n")
    fixed = [lines[0], lines[1]]
    for line in lines[2:]:
        if line.endswith(b" n "):
            line = b"%010d" % (int(line[:10]) + 7) + line[10:]
        fixed.append(line)
    return head + b"xref\n" + b"\n".join(fixed)


def zero_page_pdf() -> bytes:
    return pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def many_pages_pdf(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        pdf_stream(b"", PAGE_TEXT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
                b"/Resources << /Font << /F1 4 0 R >> >> >>"] * count
    return pdf_file(objects)


def javascript_pdf() -> bytes:
    return simple_pdf(b"/OpenAction 6 0 R /Names << /JavaScript << /Names [(hello) 6 0 R] >> >> ",
                      [b"<< /Type /Action /S /JavaScript /JS (app.alert('hello');) >>"])


def escaped_javascript_pdf() -> bytes:
    """JavaScript spelled with #xx escapes (/J#61vaScript, /J#53), as malware does to dodge a grep."""
    return simple_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> ")


def launch_pdf() -> bytes:
    return simple_pdf(b"/OpenAction << /S /Launch /F (cmd.exe) >> ")


def embedded_file_pdf() -> bytes:
    attachment = pdf_stream(b"/Type /EmbeddedFile /Subtype /text#2Fplain", b"an attached note\n")
    return simple_pdf(b"/Names << /EmbeddedFiles << /Names [(note.txt) 6 0 R] >> >> ",
                      [b"<< /Type /Filespec /F (note.txt) /UF (note.txt) /EF << /F 7 0 R >> >>", attachment])


def javascript_in_object_stream_pdf() -> bytes:
    """A PDF 1.5 file whose catalog (with a JavaScript OpenAction) sits compressed in an object stream,
    found through a cross-reference stream: no /JavaScript in the file's plain bytes."""
    inner = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(2)) >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    offsets, body = [], b""
    for number, text in inner.items():
        offsets.append(b"%d %d" % (number, len(body)))
        body += text + b"\n"
    index = b" ".join(offsets) + b"\n"
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    positions = {}
    positions[4] = len(out)
    out += b"4 0 obj\n" + pdf_stream(b"", PAGE_TEXT) + b"\nendobj\n"
    positions[6] = len(out)
    packed = zlib.compress(index + body)
    out += b"6 0 obj\n" + pdf_stream(b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(inner), len(index)),
                                     packed) + b"\nendobj\n"
    xref_at = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, 8):
        if number in inner:
            rows.append(struct.pack(">BIH", 2, 6, list(inner).index(number)))
        elif number in positions:
            rows.append(struct.pack(">BIH", 1, positions[number], 0))
        else:
            rows.append(struct.pack(">BIH", 1, xref_at, 0))  # object 7: this xref stream
    table = zlib.compress(b"".join(rows))
    out += b"7 0 obj\n" + pdf_stream(b"/Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode", table)
    out += b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def zlib_repeated(head: bytes, chunk: bytes, count: int) -> bytes:
    """A valid zlib stream of ``head`` then ``count`` copies of ``chunk``, made in a moment: after a full
    flush deflate starts afresh, so every copy of the chunk compresses to the same bytes, written once."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.flush(zlib.Z_FINISH)
    checksum = zlib.adler32(head)
    for _ in range(count):
        checksum = zlib.adler32(chunk, checksum)
    return b"\x78\xda" + first + block * count + last + struct.pack(">I", checksum)


def _deflate_repeated(unit: bytes, size: int, head: bytes = b"") -> bytes:
    block = unit * (MiB // len(unit))
    return zlib_repeated(head, block, size // len(block))


def flate_bomb_pdf() -> bytes:
    """A page whose 1 MB content stream inflates to 1 GiB of blanks (PDFium alone would need ~2 GB)."""
    content = _deflate_repeated(b" " * 1024, 1024 * MiB, PAGE_TEXT + b"\n")
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        pdf_stream(b"/Filter /FlateDecode", content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def object_stream_bomb_pdf() -> bytes:
    """An object stream inflating to 512 MiB."""
    packed = _deflate_repeated(b" " * 1024, 512 * MiB, b"6 0 << /Pad true >>")
    return simple_pdf(extra_objects=[pdf_stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", packed)])


def image_bomb_pdf() -> bytes:
    """A page drawing an image that declares 100,000 x 100,000 pixels (10 GP) with a few bytes of data."""
    image = pdf_stream(b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceRGB "
                       b"/BitsPerComponent 8 /Filter /FlateDecode", zlib.compress(b"\x80" * 30000))
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        pdf_stream(b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        image,
    ])


def jpeg_in_pdf_bomb() -> bytes:
    """A DCT image whose /Width and /Height say 100 x 100 but whose JPEG header says 65,000 x 65,000."""
    image = pdf_stream(b"/Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray "
                       b"/BitsPerComponent 8 /Filter /DCTDecode", jpeg_bomb())
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        pdf_stream(b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        image,
    ])


PASSWORD_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def _rc4(key: bytes, data: bytes) -> bytes:
    from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
    from cryptography.hazmat.primitives.ciphers import Cipher

    encryptor = Cipher(ARC4(key), mode=None).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def rc4_pdf(objects: list[bytes | tuple[bytes, bytes]], owner_password: bytes = b"owner") -> bytes:
    """A PDF encrypted with the standard security handler (RC4, 40 bits, revision 2) and an empty user
    password: it opens without a password, as portals' "print-only" PDFs do, but its streams are ciphertext.
    Objects are bodies, or (dictionary, stream data) pairs; nothing else in them is a string to encrypt."""
    import hashlib

    file_id = hashlib.md5(b"hoso-corpus").digest()
    owner_key = hashlib.md5(owner_password[:32] + PASSWORD_PAD[:32 - len(owner_password[:32])]).digest()[:5]
    owner_entry = _rc4(owner_key, PASSWORD_PAD)
    permissions = -3904
    key = hashlib.md5(PASSWORD_PAD + owner_entry + struct.pack("<i", permissions) + file_id).digest()[:5]
    user_entry = _rc4(key, PASSWORD_PAD)
    bodies = []
    for number, item in enumerate(objects, start=1):
        if isinstance(item, tuple):
            object_key = hashlib.md5(key + struct.pack("<I", number)[:3] + b"\x00\x00").digest()[:10]
            bodies.append(pdf_stream(item[0], _rc4(object_key, item[1])))
        else:
            bodies.append(item)
    encrypt_number = len(bodies) + 1
    bodies.append(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
                  % (owner_entry.hex().encode(), user_entry.hex().encode(), permissions))
    trailer = b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (encrypt_number, file_id.hex().encode(), file_id.hex().encode())
    return pdf_file(bodies, trailer=trailer)


def encrypted_flate_bomb_pdf() -> bytes:
    """The Flate bomb inside a PDF that opens without a password: the raw bytes show only ciphertext."""
    content = _deflate_repeated(b" " * 1024, 1024 * MiB, PAGE_TEXT + b"\n")
    return rc4_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        (b"/Filter /FlateDecode", content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def encrypted_page_pdf() -> bytes:
    """The same kind of file with a normal page: it must decode."""
    return rc4_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        (b"/Filter /FlateDecode", zlib.compress(PAGE_TEXT)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def dense_text_layer_pdf(objects: int = 30_000) -> bytes:
    """A page of 30,000 separate text objects: pdfminer would take ~10 s and ~150 MB on it; it is OCR'd."""
    ops = b"\n".join(b"BT /F1 4 Tf %d %d Td (x) Tj ET" % (20 + (i % 180) * 3, 20 + (i // 180) * 4)
                     for i in range(objects))
    return simple_pdf(content=ops)


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _zip() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("scan.pdf", simple_pdf())
    return out.getvalue()


def _gzip() -> bytes:
    import gzip

    return gzip.compress(simple_pdf())


# --- the corpus -----------------------------------------------------------------------------------------

DECODED = Expected()

KINDS: list[Kind] = [
    # not documents, or nothing at all
    Kind("empty", lambda: b"", Expected("empty"), "scan.pdf"),
    Kind("blank-bytes", lambda: b"\x00\x00  \r\n\t", Expected("empty"), "scan.jpg"),
    Kind("text-named-png", lambda: "Biên bản họp, không phải ảnh.\n".encode() * 20,
         Expected("unsupported_type", words="a text file"), "photo.png"),
    Kind("random-bytes-named-tiff", lambda: random_bytes(20_000, 1),
         Expected("unsupported_type", words="the name ends in .tiff"), "scan.tiff"),
    Kind("zip", lambda: _zip(), Expected("unsupported_type", words="ZIP archive"), "dossier.zip"),
    Kind("gzip", _gzip, Expected("unsupported_type", words="gzip"),
         "scan.pdf.gz"),
    Kind("html-containing-pdf-marker",
         lambda: b"<!DOCTYPE html><html><body><p>Every PDF starts with %PDF-1.7, like this one.</p></body></html>",
         Expected("unsupported_type", words="HTML page"), "download.pdf"),
    Kind("svg", lambda: b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
                        b'<text x="10" y="50">CCCD</text></svg>',
         Expected("unsupported_type", words="SVG drawing"), "card.svg"),
    Kind("jpeg2000", lambda: b"\x00\x00\x00\x0cjP  \r\n\x87\n" + random_bytes(2000, 2),
         Expected("unsupported_type", words="JPEG 2000"), "scan.jp2"),
    Kind("heic", lambda: b"\x00\x00\x00\x18ftypheic" + random_bytes(2000, 3),
         Expected("unsupported_type", words="HEIC"), "IMG_0001.HEIC"),
    # damaged
    Kind("truncated-jpeg", lambda: rgb_jpeg()[:6000], Expected("corrupt", words="truncated"), "scan.jpg"),
    Kind("truncated-png", lambda: rgb_png()[:6000], Expected("corrupt", words="truncated"), "scan.png"),
    Kind("truncated-tiff", lambda: grey16_tiff()[:20_000], Expected("corrupt", words="cannot be decoded"),
         "scan.tiff"),
    Kind("truncated-pdf", truncated_pdf, Expected("corrupt", words="truncated"), "scan.pdf"),
    Kind("random-bytes-after-pdf-header", lambda: b"%PDF-1.7\n" + random_bytes(20_000, 4),
         Expected("corrupt"), "scan.pdf"),
    Kind("random-bytes-in-pdf-envelope", lambda: b"%PDF-1.7\n" + random_bytes(20_000, 5) + b"\n%%EOF\n",
         Expected("corrupt", words="cannot be opened"), "scan.pdf"),
    Kind("gif-garbage", lambda: b"GIF89a\x00garbage", Expected("corrupt"), "anim.gif"),
    # refused on purpose
    Kind("encrypted-pdf", lambda: text_pdf(password="mật-khẩu"), Expected("encrypted_pdf"), "locked.pdf"),
    Kind("zero-page-pdf", zero_page_pdf, Expected("empty", words="no pages"), "empty.pdf"),
    Kind("float-tiff", float_tiff, Expected("unsupported_pixel_format", words="floating-point"), "scan.tiff"),
    Kind("int32-tiff", int32_tiff, Expected("unsupported_pixel_format", words="32-bit"), "scan.tiff"),
    # caps
    Kind("png-bomb", png_bomb, Expected("decompression_bomb"), "bomb.png", heavy=True),
    Kind("tiff-bomb", tiff_bomb, Expected("decompression_bomb"), "bomb.tiff", heavy=True),
    Kind("jpeg-bomb", jpeg_bomb, Expected("decompression_bomb"), "bomb.jpg", heavy=True),
    Kind("gif-bomb", gif_bomb, Expected("decompression_bomb"), "bomb.gif", heavy=True),
    Kind("oversized-png", oversized_png, Expected("too_large", words="pixel limit"), "huge.png", heavy=True),
    Kind("tiff-300-frames", lambda: frames_tiff(300), Expected("too_many_pages", words="300 frames"),
         "fax.tiff", heavy=True),
    Kind("gif-60-frames", lambda: frames_gif(60), Expected("too_many_pages"), "anim.gif"),
    Kind("pdf-201-pages", lambda: many_pages_pdf(201), Expected("too_many_pages", words="201 pages"), "book.pdf"),
    Kind("huge-pdf-page", lambda: simple_pdf(media_box=b"[0 0 14400 14400]"),
         Expected("page_too_large", words="200x200 inches"), "poster.pdf", heavy=True),
    Kind("pdf-flate-bomb", flate_bomb_pdf, Expected("decompression_bomb"), "bomb.pdf", heavy=True),
    Kind("pdf-object-stream-bomb", object_stream_bomb_pdf, Expected("decompression_bomb"), "bomb.pdf", heavy=True),
    Kind("encrypted-pdf-flate-bomb", encrypted_flate_bomb_pdf, Expected("decompression_bomb"), "bomb.pdf",
         heavy=True),
    Kind("pdf-image-bomb", image_bomb_pdf, Expected("decompression_bomb"), "bomb.pdf", heavy=True),
    Kind("pdf-jpeg-header-bomb", jpeg_in_pdf_bomb, Expected("decompression_bomb"), "bomb.pdf", heavy=True),
    # decoded, as a viewer shows them
    Kind("rgb-png", rgb_png, Expected(pages=1), "scan.png"),
    Kind("16-bit-grey-tiff", grey16_tiff, Expected(pages=1), "scan.tiff"),
    Kind("16-bit-grey-png", grey16_png, Expected(pages=1), "scan.png"),
    Kind("16-bit-rgb-png", rgb16_png, Expected(pages=1), "scan.png"),
    Kind("16-bit-rgb-tiff", rgb16_tiff, Expected(pages=1), "scan.tiff"),
    Kind("16-bit-rgba-png", rgba16_png, Expected(pages=1), "card.png"),
    Kind("alpha-png", alpha_png, Expected(pages=1), "card.png"),
    Kind("la-png", la_png, Expected(pages=1), "card.png"),
    Kind("palette-png", palette_png, Expected(pages=1), "scan.png"),
    Kind("palette-transparent-png", palette_transparent_png, Expected(pages=1), "scan.png"),
    Kind("fully-transparent-png", fully_transparent_png, Expected(pages=1, warnings=("transparency_ignored",)),
         "scan.png"),
    Kind("cmyk-jpeg", cmyk_jpeg, Expected(pages=1), "print.jpg"),
    Kind("1-bit-tiff", bilevel_tiff, Expected(pages=1), "fax.tiff"),
    Kind("lab-tiff", lab_tiff, Expected(pages=1), "scan.tiff"),
    Kind("webp", webp, Expected(pages=1), "photo.webp"),
    Kind("gif", gif, Expected(pages=1), "scan.gif"),
    Kind("bmp", bmp, Expected(pages=1), "scan.bmp"),
    Kind("exif-rotated-jpeg", exif_rotated_jpeg, Expected(pages=1), "photo.jpg"),
    Kind("mpo-phone-photo", mpo_photo, Expected(pages=1), "IMG_0002.JPG"),
    Kind("multipage-tiff", multipage_tiff, Expected(pages=3), "dossier.tiff"),
    Kind("big-photo-jpeg", big_photo_jpeg, Expected(pages=1, warnings=("resolution_lowered",)), "photo.jpg",
         heavy=True),
    Kind("big-progressive-jpeg", lambda: big_photo_jpeg(progressive=True),
         Expected(pages=1, warnings=("resolution_lowered",)), "photo.jpg", heavy=True),
    Kind("rgba-png-at-the-pixel-limit", rgba_png_at_limit, Expected(pages=1), "card.png", heavy=True),
    Kind("50-frame-colour-tiff", long_colour_tiff, Expected(pages=50), "dossier.tiff", heavy=True),
    Kind("60-page-scanned-pdf", long_scanned_pdf, Expected(pages=60), "dossier.pdf", heavy=True),
    Kind("text-pdf", lambda: text_pdf(), Expected(pages=1), "digital.pdf"),
    Kind("owner-password-pdf", lambda: text_pdf(owner_password="chỉ-chủ-sở-hữu"), Expected(pages=1),
         "portal.pdf"),
    Kind("rc4-encrypted-pdf", encrypted_page_pdf, Expected(pages=1), "portal.pdf"),
    Kind("image-pdf", image_pdf, Expected(pages=1), "scan.pdf"),
    Kind("pdf-broken-xref", broken_xref_pdf, Expected(pages=1, warnings=("text_layer_unreadable",)), "edited.pdf",
         notes="PDFium rebuilds the cross-references; pdfminer cannot, so the page is OCR'd"),
    Kind("pdf-junk-before-header", lambda: b"\x00\x17junk\x00" + simple_pdf(), Expected(pages=1), "mail.pdf"),
    Kind("a0-pdf-page", lambda: simple_pdf(media_box=b"[0 0 2384 3370]"),
         Expected(pages=1, warnings=("resolution_lowered",)), "plan.pdf", heavy=True),
    Kind("pdf-dense-text-layer", dense_text_layer_pdf, Expected(pages=1, warnings=("text_layer_skipped",)),
         "map.pdf", heavy=True),
    Kind("pdf-with-javascript", javascript_pdf, Expected(pages=1, warnings=("pdf_javascript",)), "form.pdf"),
    Kind("pdf-with-escaped-javascript", escaped_javascript_pdf, Expected(pages=1, warnings=("pdf_javascript",)),
         "form.pdf"),
    Kind("pdf-javascript-in-object-stream", javascript_in_object_stream_pdf,
         Expected(pages=1, warnings=("pdf_javascript",)), "form.pdf"),
    Kind("pdf-with-launch-action", launch_pdf, Expected(pages=1, warnings=("pdf_launch_action",)), "form.pdf"),
    Kind("pdf-with-embedded-file", embedded_file_pdf, Expected(pages=1, warnings=("pdf_embedded_files",)),
         "invoice.pdf"),
]

BY_NAME = {kind.name: kind for kind in KINDS}


@functools.cache
def data_of(name: str) -> bytes:
    return BY_NAME[name].make()


# --- outcomes and memory --------------------------------------------------------------------------------

PROBE = """
import json, sys, time
from pathlib import Path


def high_water_mb():
    # VmHWM: this process's peak resident memory (ru_maxrss would carry the parent's over fork and exec)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024


from pipeline.load import check_file
from schemas.errors import BadInput
data = Path(sys.argv[1]).read_bytes()
before = high_water_mb()
started = time.perf_counter()
try:
    loaded = check_file(data, sys.argv[2])  # check_decodable, with the pages and warnings
    outcome = {"code": None, "media_type": loaded.media_type, "pages": len(loaded.pages),
               "warnings": [w.code for w in loaded.warnings]}
except BadInput as error:
    outcome = {"code": error.code, "message": error.message}
outcome["seconds"] = round(time.perf_counter() - started, 2)
outcome["baseline_mb"] = before
outcome["peak_mb"] = high_water_mb()
print(json.dumps(outcome))
"""


def probe(data: bytes, name: str, workdir: Path) -> dict:
    """Fully decode ``data`` in a fresh process: its outcome, and its peak resident memory (VmHWM) after the
    imports (``baseline_mb``) and at the end (``peak_mb``, the whole process: interpreter, libraries, file)."""
    path = workdir / f"probe-{name}"
    path.write_bytes(data)
    root = TESTS.parent
    completed = subprocess.run([sys.executable, "-c", PROBE, str(path), name], capture_output=True, text=True,
                               timeout=300, cwd=root)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(names: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for kind in (BY_NAME[n] for n in names) if names else KINDS:
            data = kind.make()
            outcome = probe(data, kind.file_name, Path(folder))
            result = outcome.get("code") or f"decoded: {outcome['pages']} page(s) {outcome['warnings'] or ''}"
            print(f"| {kind.name} | {len(data):,} | {result} | {outcome['peak_mb']} MB "
                  f"(+{outcome['peak_mb'] - outcome['baseline_mb']}) | {outcome['seconds']} s | "
                  f"{outcome.get('message', '')} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
