"""Image files to faithful 8-bit page arrays, within memory bounds.

Every Pillow mode a scan or a phone can produce becomes what a person sees on a screen:

- 1-bit, 8-bit and 16-bit greyscale become one 8-bit grey plane (16-bit samples scaled by 255/65535: a
  16-bit scan is not clipped to white);
- palette, CMYK, YCbCr and CIE L*a*b* images become BGR (OpenCV's order);
- transparency (an alpha channel, a transparent palette entry or colour) is composited on white, as a viewer
  shows it, never dropped (a dropped alpha turns a transparent background black, hiding black text);
- floating-point and 32-bit integer samples, which have no single faithful 8-bit reading, are refused.

Sizes are checked from the headers before a frame is decoded, and a frame is converted in strips of rows,
so that the temporaries stay small; JPEG photos larger than the page limit are decoded at a half, a quarter
or an eighth of their size by the JPEG decoder itself (DCT scaling), never at full size.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageCms, UnidentifiedImageError

from schemas.errors import BadInput, CorruptInput, DecompressionBomb, TooLarge, TooManyPages, UnsupportedPixelFormat

EXIF_ORIENTATION = 0x0112
TIFF_ORIENTATION = 274
STRIP_ROWS = 256  # rows converted at once: the temporaries of one strip stay a few MB
BOMB_RATIO = 100  # decoded pixels per byte of file beyond which an oversized image is called a bomb
GREY_MODES = {"1", "L", "LA", "La", "I;16", "I;16L", "I;16B", "I;16N", "I"}
SIXTEEN_BIT_MODES = {"I;16", "I;16L", "I;16B", "I;16N"}
JPEG_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
JPEG_PROGRESSIVE_MARKERS = {0xC2, 0xC6, 0xCA, 0xCE}


@dataclass(frozen=True)
class JpegFrame:
    """What a JPEG's start-of-frame header declares."""

    width: int
    height: int
    sampling: tuple[tuple[int, int], ...]  # (horizontal, vertical) sampling factor of each component
    progressive: bool

    def coefficient_bytes(self) -> int:
        """Memory libjpeg needs for a progressive JPEG's coefficients, whatever size it is decoded at."""
        if not self.sampling:
            return 0
        h_max = max(h for h, _ in self.sampling) or 1
        v_max = max(v for _, v in self.sampling) or 1
        total = 0
        for h, v in self.sampling:
            blocks_x = -(-self.width * h // (8 * h_max))
            blocks_y = -(-self.height * v // (8 * v_max))
            total += blocks_x * blocks_y * 64 * 2
        return total


def jpeg_frame(data: bytes | memoryview) -> JpegFrame | None:
    """The first start-of-frame header of a JPEG stream, read from its markers (no decoding)."""
    buffer = bytes(data[:1 << 20]) if len(data) > 1 << 20 else bytes(data)
    index = buffer.find(b"\xff\xd8")
    if index < 0:
        return None
    index += 2
    while index + 4 <= len(buffer):
        if buffer[index] != 0xFF:
            index += 1
            continue
        marker = buffer[index + 1]
        if marker == 0xFF:
            index += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        length = int.from_bytes(buffer[index + 2:index + 4], "big")
        if marker in JPEG_SOF_MARKERS and index + 10 <= len(buffer):
            height = int.from_bytes(buffer[index + 5:index + 7], "big")
            width = int.from_bytes(buffer[index + 7:index + 9], "big")
            count = buffer[index + 9]
            sampling = tuple(
                (buffer[index + 11 + 3 * c] >> 4, buffer[index + 11 + 3 * c] & 0x0F)
                for c in range(count) if index + 11 + 3 * c < len(buffer)
            )
            return JpegFrame(width, height, sampling, marker in JPEG_PROGRESSIVE_MARKERS)
        if marker in (0xD9, 0xDA) or length < 2:
            return None
        index += 2 + length
    return None


def jpx_size(data: bytes | memoryview) -> tuple[int, int] | None:
    """Width and height a JPEG 2000 file or codestream declares."""
    head = bytes(data[:4096])
    box = head.find(b"ihdr")
    if box >= 0 and box + 12 <= len(head):
        height = int.from_bytes(head[box + 4:box + 8], "big")
        width = int.from_bytes(head[box + 8:box + 12], "big")
        return width, height
    siz = head.find(b"\xff\x4f\xff\x51")
    if siz >= 0 and siz + 24 <= len(head):
        x, y = int.from_bytes(head[siz + 8:siz + 12], "big"), int.from_bytes(head[siz + 12:siz + 16], "big")
        x0, y0 = int.from_bytes(head[siz + 16:siz + 20], "big"), int.from_bytes(head[siz + 20:siz + 24], "big")
        return max(0, x - x0), max(0, y - y0)
    return None


# --- opening and surveying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameInfo:
    """One frame as its header describes it, and how it will be decoded."""

    index: int
    width: int  # as decoded (after JPEG scaling), before orientation
    height: int
    mode: str
    scale: int  # 1, or 2/4/8 when a JPEG is decoded reduced
    orientation: int  # EXIF/TIFF orientation 1..8
    dpi: float | None

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def upright_size(self) -> tuple[int, int]:
        return (self.height, self.width) if self.orientation in (5, 6, 7, 8) else (self.width, self.height)


@contextmanager
def pillow_errors(max_pixels: int, kind: str = "image") -> Iterator[None]:
    """Pillow's many exception types for damaged files as our one-line BadInput reasons."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning and friends: our own checks decide
            yield
    except BadInput:
        raise
    except Image.DecompressionBombError as exc:
        raise DecompressionBomb(f"the {kind} declares {_declared(exc)} pixels, over the {max_pixels:,} pixel "
                                "limit: a decompression bomb, refused before decoding") from exc
    except UnidentifiedImageError as exc:
        raise CorruptInput(f"the {kind} cannot be decoded (its header is not a valid image header)") from exc
    except MemoryError as exc:
        raise TooLarge(f"the {kind} is too large to decode") from exc
    except Exception as exc:  # Pillow raises OSError, ValueError, SyntaxError, struct.error, EOFError, …
        text = str(exc).lower()
        if isinstance(exc, EOFError) or any(w in text for w in ("truncated", "premature end", "unexpected end",
                                                                 "not enough data", "buffer is not large enough")):
            raise CorruptInput(f"the {kind} cannot be decoded: the file is truncated") from exc
        raise CorruptInput(f"the {kind} cannot be decoded ({short(exc)})") from exc


def open_image(data: bytes):
    """Pillow's lazy view of an image file: headers read, nothing decoded."""
    return Image.open(io.BytesIO(data))


def survey_frames(image, data_size: int, *, max_frames: int, max_pixels: int,
                  count_limit: int = 1000) -> list[FrameInfo]:
    """Every frame's size and mode from the headers, refusing too many frames or oversized frames
    before anything is decoded."""
    frames: list[FrameInfo] = []
    # a phone's MPO JPEG carries a preview or a depth map after the photo: those are not pages
    last = 1 if image.format == "MPO" else count_limit + 1
    for index in range(last):
        try:
            image.seek(index)
        except EOFError:
            break
        if index >= max_frames:
            count = _count_frames(image, index, count_limit)
            shown = f"{count:,}" if count <= count_limit else f"more than {count_limit:,}"
            raise TooManyPages(f"the image has {shown} frames (pages), over the {max_frames} page limit; "
                               "split it into files of at most that many pages")
        frames.append(_frame_info(image, index, data_size, max_pixels))
    return frames


def _count_frames(image, start: int, limit: int) -> int:
    index = start
    while index <= limit:
        try:
            image.seek(index + 1)
        except EOFError:
            return index + 1
        index += 1
    return limit + 1


def _frame_info(image, index: int, data_size: int, max_pixels: int) -> FrameInfo:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise CorruptInput("the image has no pixels")
    scale = 1
    if width * height > max_pixels:
        scale = _jpeg_scale(image, width, height, max_pixels, data_size)
        if not scale:
            raise _oversized(width, height, max_pixels, data_size)
    elif image.format in ("JPEG", "MPO"):
        _check_progressive_memory(image, width, height, max_pixels)
    return FrameInfo(index=index, width=-(-width // scale), height=-(-height // scale), mode=image.mode,
                     scale=scale, orientation=_orientation(image, index), dpi=_dpi(image))


def _jpeg_scale(image, width: int, height: int, max_pixels: int, data_size: int) -> int:
    """The smallest JPEG DCT scaling (2, 4, 8) that brings the photo under the limit; 0 when none can."""
    if image.format not in ("JPEG", "MPO"):
        return 0
    _check_progressive_memory(image, width, height, max_pixels)
    for scale in (2, 4, 8):
        if -(-width // scale) * -(-height // scale) <= max_pixels:
            return scale
    return 0


def _check_progressive_memory(image, width: int, height: int, max_pixels: int) -> None:
    """A progressive JPEG keeps every coefficient of the full-size image in memory, whatever its output size."""
    if not (image.info.get("progressive") or image.info.get("progression")):
        return
    layers = getattr(image, "layer", None) or []
    sampling = tuple((h, v) for _, h, v, _ in layers) or ((1, 1),) * len(image.getbands())
    needed = JpegFrame(width, height, sampling, True).coefficient_bytes()
    budget = max_pixels * 8  # the same memory a full-size colour page may take
    if needed > budget:
        raise TooLarge(f"the progressive JPEG is {width}x{height} pixels; decoding it would take "
                       f"{needed // 2**20:,} MiB, over the {budget // 2**20:,} MiB limit")


def _oversized(width: int, height: int, max_pixels: int, data_size: int) -> TooLarge:
    pixels = width * height
    if pixels > BOMB_RATIO * max(1, data_size):
        return DecompressionBomb(f"the image is {width}x{height} pixels from {data_size:,} bytes, over the "
                                 f"{max_pixels:,} pixel limit: a decompression bomb, refused before decoding")
    return TooLarge(f"the image is {width}x{height} pixels, over the {max_pixels:,} pixel limit")


def _orientation(image, index: int) -> int:
    value = None
    tags = getattr(image, "tag_v2", None)
    if tags is not None:
        value = tags.get(TIFF_ORIENTATION)
    elif index == 0:
        try:
            if image.format == "PNG":  # Pillow's getexif() decodes a PNG whole to look for a late eXIf chunk
                exif = Image.Exif()
                if image.info.get("exif"):
                    exif.load(image.info["exif"])
                value = exif.get(EXIF_ORIENTATION)
            else:
                value = image.getexif().get(EXIF_ORIENTATION)
        except Exception:  # a damaged EXIF block says nothing about the pixels
            value = None
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _dpi(image) -> float | None:
    dpi = image.info.get("dpi")
    try:
        return float(dpi[0])
    except (TypeError, ValueError, IndexError):
        return None


# --- decoding one frame ------------------------------------------------------------------------------------


@dataclass
class Decoded:
    pixels: np.ndarray
    transparency_ignored: bool = False
    altered: bool = False  # the pixels differ from what a plain reader of the file sees (alpha, 16-bit, colour space)


def decode_frame(image, info: FrameInfo) -> Decoded:
    """Decode one surveyed frame into an upright uint8 array: 2-D grey or 3-D BGR."""
    image.seek(info.index)
    if info.scale > 1:
        image.draft(image.mode, (info.width, info.height))
        if image.size[0] * image.size[1] > info.pixels:
            raise TooLarge("the JPEG could not be decoded at a reduced size")
    image.load()
    decoded = to_array(image)
    decoded.pixels = orient(decoded.pixels, info.orientation)
    return decoded


def to_array(image) -> Decoded:
    """A loaded Pillow frame as a faithful uint8 array (see the module's docstring)."""
    decoded = _to_array(image)  # sets ``altered`` when it composited transparency
    if image.mode not in ("1", "L", "RGB", "P"):
        decoded.altered = True
    return decoded


def _to_array(image) -> Decoded:
    mode = image.mode
    if mode == "F":
        raise UnsupportedPixelFormat("the image has floating-point samples, which have no faithful 8-bit "
                                     "reading; send an 8- or 16-bit scan")
    if mode == "I" and image.format not in ("PNG", "PPM"):
        raise UnsupportedPixelFormat("the image has 32-bit integer samples, which have no faithful 8-bit "
                                     "reading; send an 8- or 16-bit scan")
    if mode == "LAB":
        return Decoded(_convert_strips(image, 3, _lab_strip_converter()))
    if _has_transparency(image):
        decoded = _composite(image, grey=mode in GREY_MODES or mode == "P" and _grey_palette(image))
        decoded.altered = True
        return decoded
    if mode in SIXTEEN_BIT_MODES or mode == "I":
        return Decoded(_convert_strips(image, 1, _sixteen_to_eight))
    if mode in ("1", "L"):
        return Decoded(_convert_strips(image, 1, lambda strip: np.asarray(strip.convert("L"))))
    if mode == "RGB":
        return Decoded(_convert_strips(image, 3, np.asarray))
    return Decoded(_convert_strips(image, 3, lambda strip: np.asarray(strip.convert("RGB"))))


def _has_transparency(image) -> bool:
    if image.mode in ("RGBA", "RGBa", "LA", "La", "PA"):
        return True
    if image.info.get("transparency") is not None and image.mode in ("P", "L", "RGB", "1", "I;16", "I"):
        return True
    palette = getattr(image, "palette", None)
    return image.mode == "P" and palette is not None and palette.mode == "RGBA"


def _grey_palette(image) -> bool:
    """A palette whose every colour is a grey: the page stays one grey plane."""
    palette = image.getpalette() or []
    if not palette or len(palette) % 3:
        return False
    triples = np.asarray(palette, np.int32).reshape(-1, 3)
    return bool(np.all(triples[:, 0] == triples[:, 1]) and np.all(triples[:, 1] == triples[:, 2]))


def _sixteen_to_eight(strip) -> np.ndarray:
    values = np.asarray(strip)
    if values.dtype.kind == "i":
        values = np.clip(values, 0, 65535)
    wide = values.astype(np.uint32)
    return ((wide * 255 + 32767) // 65535).astype(np.uint8)


def _composite(image, grey: bool) -> Decoded:
    """Transparency composited on white; a fully transparent image is read from its colours instead."""
    target = "LA" if grey else "RGBA"
    sixteen = image.mode in SIXTEEN_BIT_MODES or image.mode == "I"

    def as_target(strip) -> np.ndarray:
        if sixteen:  # Pillow's own conversion would clip 16-bit grey to white
            grey_values = _sixteen_to_eight(strip)
            transparent = image.info.get("transparency")
            alpha = np.where(np.asarray(strip) == transparent, 0, 255).astype(np.uint8)
            return np.dstack([grey_values, alpha])
        return np.asarray(strip.convert(target))

    alpha_max = 0
    for _, strip in _strips(image):
        alpha_max = max(alpha_max, int(as_target(strip)[..., -1].max()))
        if alpha_max:
            break
    channels = 1 if grey else 3
    if alpha_max == 0:  # nothing would show: the alpha is meaningless, the colours are the page
        def colours(strip) -> np.ndarray:
            values = as_target(strip)[..., :channels]
            return values[..., 0] if grey else values[..., :3]

        return Decoded(_convert_strips(image, channels, colours), transparency_ignored=True)

    def over_white(strip) -> np.ndarray:
        # colour·a + 255·(1 − a) = 255 − (255 − colour)·a: the ink, scaled by its opacity, off white
        values = as_target(strip)
        alpha = np.ascontiguousarray(values[..., -1])
        ink = cv2.bitwise_not(np.ascontiguousarray(values[..., 0] if grey else values[..., :3]))
        return cv2.bitwise_not(cv2.multiply(ink, alpha if grey else cv2.merge([alpha] * 3), scale=1 / 255))

    return Decoded(_convert_strips(image, channels, over_white))


def _lab_strip_converter():
    transform = ImageCms.buildTransform(ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB")
    return lambda strip: np.asarray(ImageCms.applyTransform(strip, transform))


def _strips(image) -> Iterator[tuple[int, Any]]:
    width, height = image.size
    for top in range(0, height, STRIP_ROWS):
        yield top, image.crop((0, top, width, min(height, top + STRIP_ROWS)))


def _convert_strips(image, channels: int, convert) -> np.ndarray:
    """``convert`` (a strip of the Pillow image → grey, or RGB, uint8 rows) over the image, into one array:
    grey as it is, RGB turned to BGR by OpenCV (a reversed-axis numpy copy is ~6x slower)."""
    width, height = image.size
    out = np.empty((height, width) if channels == 1 else (height, width, channels), np.uint8)
    for top, strip in _strips(image):
        rows = convert(strip)
        bottom = top + strip.size[1]
        if channels == 1:
            out[top:bottom] = rows
        else:
            cv2.cvtColor(np.ascontiguousarray(rows), cv2.COLOR_RGB2BGR, dst=out[top:bottom])
    return out


def orient(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """Apply an EXIF/TIFF orientation (the transform a viewer applies to show the image upright)."""
    if orientation == 2:
        view = pixels[:, ::-1]
    elif orientation == 3:
        view = pixels[::-1, ::-1]
    elif orientation == 4:
        view = pixels[::-1]
    elif orientation == 5:
        view = pixels.swapaxes(0, 1)
    elif orientation == 6:
        view = np.rot90(pixels, -1)
    elif orientation == 7:
        view = np.rot90(pixels.swapaxes(0, 1), 2)
    elif orientation == 8:
        view = np.rot90(pixels, 1)
    else:
        return pixels
    return np.ascontiguousarray(view)


def _declared(exc: BaseException) -> str:
    found = re.search(r"\((\d+) pixels\)", str(exc))
    return f"{int(found.group(1)):,}" if found else "too many"


def short(exc: BaseException) -> str:
    """An exception's first line, bounded, for a one-line reason."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
