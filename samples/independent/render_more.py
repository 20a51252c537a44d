#!/usr/bin/env python3
"""More independent test renderings, built on render.py's helpers.

Written, like render.py, without looking at the project's generator,
extractors or pipeline.  Four kinds (``--kind``):

* ``marital``  Giấy xác nhận tình trạng hôn nhân (dotted printed form or
  word-processed), document_type ``marital_status_confirmation``;
* ``unknown``  eight document kinds the project does not extract, sharing
  vocabulary with the known ones (document_type ``unknown`` with ``family``,
  ``title``, ``kind``, empty ``fields``);
* ``mixed``    multi-page PDF dossiers mixing known types and unknown pages;
* ``id_sheet`` ID cards photocopied onto A4 (side by side, stacked, rotated,
  grey photocopy, cut at the page edge, two citizens) with card quads in
  ``capture.sides``.

    python render_more.py --kind marital --out DIR --count N --seed S

(``render.py --kind ...`` dispatches here.)  Same seed → same files.
"""
import argparse
import calendar
import json
import math
import os
import random
import sys
import time
from datetime import date, timedelta

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render as R  # noqa: E402
from render import (CH, CW, BLACK, Canvas, Flow, Style, add_years, dmy, fam, measure, nfc,  # noqa: E402
                    person_name, rand_date, wrap_words)

CONDITIONS = R.CONDITIONS  # clean_scan, noisy_scan, phone_photo, digital_pdf, image_pdf
QUAD_DPI_PDF = 200  # quads of born-digital PDFs are given in pixels of a 200 dpi rendering
PDF_DATES = dict(creationDate=time.gmtime(1767225600), modDate=time.gmtime(1767225600))  # reproducible files


# ---------------------------------------------------------------------------
# Small text / date helpers
# ---------------------------------------------------------------------------
def add_months(d, n):
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def ntn(d, pad=True):
    """'ngày 05 tháng 03 năm 2025' (pad) or 'ngày 5 tháng 3 năm 2025'."""
    if pad:
        return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    return f"ngày {d.day} tháng {d.month} năm {d.year}"


def strip_stop(s):
    s = nfc(s)
    return s[:-1].rstrip() if s.endswith(".") else s


def unit_parts(unit):
    """'Phường Láng Hạ' -> ('phường', 'Láng Hạ'); 'Thị trấn Trâu Quỳ' -> ('thị trấn', 'Trâu Quỳ')."""
    for pre in ("Thị trấn ", "Thành phố "):
        if unit.startswith(pre):
            return pre.strip().lower(), unit[len(pre):]
    k, n = unit.split(" ", 1)
    return k.lower(), n


def words_int(n):
    if n < 100:
        return R.words_0_99(n)
    h, r = divmod(n, 100)
    out = R.UNITS[h] + " trăm"
    if r == 0:
        return out
    if r < 10:
        return out + " linh " + R.UNITS[r]
    return out + " " + R.words_0_99(r)


def cap1(s):
    return s[0].upper() + s[1:]


def committee(rng, when):
    """A ward/commune People's Committee valid at `when`, with its chain of
    higher units, streets (for residences), header lines and stamp text."""
    if when >= R.NEW_UNITS_START:
        unit, p = R.pick_new_unit(rng, None, 0.35)
        district, prov, streets, code, place = None, p[0], p[5], p[2], p[1]
    else:
        u = rng.choice(R.OLD_UNITS)
        unit, district, prov, code, streets = u[0], u[1], u[2], u[3], u[4]
        place = R.short_province(prov)
    kind, name = unit_parts(unit)
    chain = [f"{kind} {name}"]
    if district:
        chain.append(" ".join(unit_parts(district)))
    chain.append(" ".join(unit_parts(prov)))
    r = rng.random()
    if r < 0.55:
        header = ["ỦY BAN NHÂN DÂN", unit.upper()]
    elif r < 0.8:
        header = [("UBND " + district.upper()) if district else prov.upper(), "UBND " + unit.upper()]
    else:
        header = ["ỦY BAN NHÂN DÂN " + unit.upper()]
    rural = unit.startswith("Xã") or not streets
    return dict(unit=unit, kind=kind, name=name, district=district, prov=prov, code=code, streets=streets,
                rural=rural, place=place, header=header,
                running=nfc(f"Ủy ban nhân dân {kind} {name}"),
                full=nfc("Ủy ban nhân dân " + ", ".join(chain)),
                stamp=("ỦY BAN NHÂN DÂN " + unit.upper(), R.short_province(prov).upper()))


def residence_in(rng, C, lower=None):
    """Street-level address inside committee C, as printed."""
    parts = [R.street_part(rng, C["streets"], C["rural"]), C["unit"]]
    if C["district"]:
        parts.append(C["district"])
    parts.append(C["prov"])
    lower = rng.random() < 0.3 if lower is None else lower
    if lower:
        parts = [parts[0]] + [" ".join(unit_parts(p)) for p in parts[1:]]
    return nfc(", ".join(parts))


def new_person(rng, ref, sex=None, age=(20, 60), code=None):
    sex = sex or rng.choice(["Nam", "Nữ"])
    dob = rand_date(rng, add_years(ref, -age[1]), add_years(ref, -age[0]))
    return dict(sex=sex, dob=dob, name=person_name(rng, sex), id=R.id_for(rng, dob, sex, code),
                eth=R.ethnicity(rng))


def id_paper(rng, idn, when, with_issue=0.35):
    """'Giấy tờ tùy thân' wording around a 12-digit number."""
    issued = rand_date(rng, date(2016, 6, 1), min(when - timedelta(days=20), date(2024, 6, 30)))
    r = rng.random()
    if when >= date(2024, 7, 1) and r < 0.3:
        return rng.choice([f"Thẻ căn cước số {idn}", f"Căn cước số {idn}",
                           f"Thẻ căn cước số {idn} do Bộ Công an cấp ngày "
                           f"{dmy(rand_date(rng, date(2024, 7, 1), when - timedelta(days=5)))}"])
    if r < 0.3 + with_issue:
        return rng.choice([f"CCCD số {idn} cấp ngày {dmy(issued)}",
                           f"Căn cước công dân số {idn}, cấp ngày {dmy(issued)}",
                           f"CCCD số: {idn}, do Cục Cảnh sát QLHC về TTXH cấp ngày {dmy(issued)}"])
    return rng.choice([f"Căn cước công dân số {idn}", f"CCCD số {idn}", f"Căn cước công dân số: {idn}"])


# ---------------------------------------------------------------------------
# Pages: a canvas plus ID-card sides placed on it (possibly rotated)
# ---------------------------------------------------------------------------
class Placement:
    def __init__(self, cv, x0, y0, s, rot, grey=False, doc=0, side="front"):
        self.cv, self.x0, self.y0, self.s, self.rot = cv, x0, y0, s, rot
        self.grey, self.doc, self.side = grey, doc, side  # grey: False or a seed (photocopy contrast)

    def affine(self):
        """2x3 matrix: card-local points (y down) -> page points (y down).
        `rot` is the clockwise quarter-turn of the card on the page."""
        c = round(math.cos(math.radians(self.rot)))
        s_ = round(math.sin(math.radians(self.rot)))
        M = np.array([[c * self.s, -s_ * self.s, 0.0], [s_ * self.s, c * self.s, 0.0]])
        cor = self.corners_local() @ M[:, :2].T
        M[:, 2] = [self.x0 - cor[:, 0].min(), self.y0 - cor[:, 1].min()]
        return M

    @staticmethod
    def corners_local():
        return np.array([[0, 0], [CW, 0], [CW, CH], [0, CH]], float)

    def size_on_page(self):
        w, h = CW * self.s, CH * self.s
        return (h, w) if self.rot in (90, 270) else (w, h)


class Page:
    def __init__(self, cv, placements=None, embed_scan=False):
        self.cv = cv
        self.placements = placements or []
        self.embed_scan = embed_scan  # in a digital PDF this page is a scanned image (no text layer)


def photocopy_side(img, r):
    """Greyscale, high-contrast photocopy of a card side: the tint disappears."""
    a = np.asarray(img.convert("RGBA")).astype(np.float32)
    lum = a[..., 0] * 0.299 + a[..., 1] * 0.587 + a[..., 2] * 0.114
    white, black, gamma = r.uniform(198, 222), r.uniform(25, 70), r.uniform(0.75, 1.25)
    t = np.clip((lum - black) / (white - black), 0, 1) ** gamma * 255
    out = np.dstack([t, t, t, a[..., 3]]).astype(np.uint8)
    return Image.fromarray(out, "RGBA")


TRANSPOSE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


def raster_page(page, dpi):
    img = R.rasterize(page.cv, dpi)
    k = dpi / 72.0
    for pl in page.placements:
        side = R.rasterize(pl.cv, dpi * pl.s, paper=None)
        if pl.grey:
            side = photocopy_side(side, random.Random(pl.grey))
        if pl.rot:
            side = side.transpose(TRANSPOSE[pl.rot])
        img.paste(side, (int(round(pl.x0 * k)), int(round(pl.y0 * k))), side)
    return img


# ---------------------------------------------------------------------------
# Born-digital PDF writer (several pages; rotated card sides)
# ---------------------------------------------------------------------------
_RL = set()


def _rl_font(font):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    name = font.replace("/", "_")
    if name not in _RL:
        try:
            pdfmetrics.getFont(name)
        except KeyError:
            pdfmetrics.registerFont(TTFont(name, R.fpath(font)))
        _RL.add(name)
    return name


def pdf_ops(c, ops, H):
    from reportlab.lib.utils import ImageReader
    for op in ops:
        kind = op[0]
        if kind == "text":
            _, x, y, s, font, size, color = op
            c.setFillColorRGB(*[v / 255 for v in color])
            c.setFont(_rl_font(font), size)
            c.drawString(x, H - y, s)
        elif kind == "line":
            _, x0, y0, x1, y1, w, color = op
            c.setStrokeColorRGB(*[v / 255 for v in color])
            c.setLineWidth(w)
            c.line(x0, H - y0, x1, H - y1)
        elif kind == "rect":
            _, x0, y0, x1, y1, stroke, fill, w, r = op
            if stroke:
                c.setStrokeColorRGB(*[v / 255 for v in stroke])
                c.setLineWidth(w)
            if fill:
                c.setFillColorRGB(*[v / 255 for v in fill])
            c.roundRect(x0, H - y1, x1 - x0, y1 - y0, r, stroke=1 if stroke else 0, fill=1 if fill else 0)
        elif kind == "image":
            _, x0, y0, x1, y1, im, nearest = op
            if nearest:
                f = max(1, int(600 / max(im.size)))
                im = im.resize((im.width * f, im.height * f), Image.NEAREST)
            c.drawImage(ImageReader(im.convert("RGBA")), x0, H - y1, x1 - x0, y1 - y0, mask="auto")


def write_pdf_pages(pages, path, title, scans=None):
    """scans: {page index: PIL image} drawn full-page instead of the vector content."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas as rl_canvas
    scans = scans or {}
    c = rl_canvas.Canvas(path, pagesize=(pages[0].cv.w, pages[0].cv.h), invariant=1)
    c.setTitle(title)
    c.setCreator(random.Random(title).choice(["Phần mềm hộ tịch", "Microsoft Word", "LibreOffice Writer"]))
    for i, pg in enumerate(pages):
        W, H = pg.cv.w, pg.cv.h
        c.setPageSize((W, H))
        if i in scans:
            c.drawImage(ImageReader(scans[i].convert("RGB")), 0, 0, W, H)
        else:
            pdf_ops(c, pg.cv.ops, H)
            for pl in pg.placements:
                A = pl.affine()
                a11, a12, t1 = A[0]
                a21, a22, t2 = A[1]
                c.saveState()
                c.transform(a11, -a21, -a12, a22, a12 * CH + t1, H - a22 * CH - t2)
                if pl.grey:
                    grey = photocopy_side(R.rasterize(pl.cv, 300, paper=None), random.Random(pl.grey))
                    c.drawImage(ImageReader(grey), 0, 0, CW, CH, mask="auto")
                else:
                    pdf_ops(c, pl.cv.ops, CH)
                c.restoreState()
        c.showPage()
    c.save()


# ---------------------------------------------------------------------------
# Capture damage that also returns the geometric transform (for quads)
# ---------------------------------------------------------------------------
def _noise(nr, shape, sigma):
    return nr.standard_normal(shape, dtype=np.float32) * np.float32(sigma)


def _bed(arr, angle, pad_frac, bed):
    h, w = arr.shape[:2]
    p = int(max(h, w) * pad_frac)
    out = np.empty((h + 2 * p, w + 2 * p, 3), np.float32)
    out[:] = bed
    out[p:p + h, p:p + w] = arr
    M = cv2.getRotationMatrix2D((out.shape[1] / 2, out.shape[0] / 2), angle, 1.0)
    out = cv2.warpAffine(out, M, (out.shape[1], out.shape[0]), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=tuple(float(b) for b in bed))
    T = np.vstack([M, [0, 0, 1]]) @ np.array([[1, 0, p], [0, 1, p], [0, 0, 1]], float)
    return out, T


def scan(img, nr, gray, noisy):
    """Flatbed scan (clean) or worn photocopy scan (noisy).  Returns (image, 3x3 page-px -> image-px)."""
    arr = np.asarray(img.convert("RGB"), dtype=np.float32).copy()
    if noisy:
        tint = np.array([nr.uniform(240, 252), nr.uniform(236, 248), nr.uniform(222, 240)], np.float32) / 255
        arr *= tint
        h, w = arr.shape[:2]
        arr *= R.low_freq(nr, h, w, 5, nr.uniform(0.78, 0.9), 1.0)[..., None]
        if nr.random() < 0.7:
            arr = R.fold_line(arr, nr).astype(np.float32)
        bed = (np.array([nr.uniform(30, 90)] * 3, np.float32) if nr.random() < 0.4
               else np.array([245, 245, 245], np.float32))
        arr, T = _bed(arr, nr.uniform(-3, 3), nr.uniform(0.005, 0.03), bed)
        arr = cv2.GaussianBlur(arr, (0, 0), nr.uniform(0.6, 1.2))
        arr = R.speckle(arr, nr, nr.uniform(0.0003, 0.0012))
        arr += _noise(nr, arr.shape, nr.uniform(4, 9))
        if nr.random() < 0.5:
            arr = (arr - 128) * nr.uniform(1.05, 1.3) + 128 + nr.uniform(-5, 10)
    else:
        arr, T = _bed(arr, nr.uniform(-1.5, 1.5), nr.uniform(0.0, 0.02), np.array([250, 250, 250], np.float32))
        arr = cv2.GaussianBlur(arr, (0, 0), nr.uniform(0.3, 0.6))
        arr += _noise(nr, arr.shape, 2.0)
    return R.to_img(arr, gray), T


def photo(src, nr, out_w, out_h, fill=(0.62, 0.86), max_rot=8.0):
    """Perspective phone photo of a page lying on a surface (render.photo_of
    with the transform returned and faster noise)."""
    src = src.convert("RGBA")
    sa = np.asarray(src).astype(np.float32)
    h, w = sa.shape[:2]
    bg = cv2.resize(R.background(nr, out_w // 2, out_h // 2), (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    scale = min(out_w / w, out_h / h) * nr.uniform(*fill)
    cw, ch = w * scale, h * scale
    cx, cy = out_w / 2 + nr.uniform(-0.06, 0.06) * out_w, out_h / 2 + nr.uniform(-0.06, 0.06) * out_h
    a = math.radians(nr.uniform(-max_rot, max_rot))
    corners = np.array([[-cw / 2, -ch / 2], [cw / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]], np.float32)
    Rm = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    dst = corners @ Rm.T + np.array([cx, cy], np.float32)
    far = nr.uniform(0.0, 0.12)
    edge = int(nr.integers(0, 4))
    i0, i1 = edge, (edge + 1) % 4
    mid = (dst[i0] + dst[i1]) / 2
    dst[i0] = dst[i0] + (mid - dst[i0]) * far
    dst[i1] = dst[i1] + (mid - dst[i1]) * far
    dst += nr.uniform(-0.02, 0.02, dst.shape).astype(np.float32) * min(out_w, out_h)
    srcq = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    M = cv2.getPerspectiveTransform(srcq, dst.astype(np.float32))
    warped = cv2.warpPerspective(sa, M, (out_w, out_h), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0))
    alpha = warped[..., 3:4] / 255.0
    small = cv2.resize(alpha[..., 0], (out_w // 4, out_h // 4), interpolation=cv2.INTER_AREA)
    sh = cv2.GaussianBlur(small, (0, 0), out_w * 0.0025)
    sh = np.roll(np.roll(sh, int(out_w * 0.0015), 1), int(out_h * 0.002), 0)
    sh = cv2.resize(sh, (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    out = bg * (1 - 0.45 * sh[..., None])
    out = out * (1 - alpha) + warped[..., :3] * alpha
    # lighting is smooth: compute it on a coarse grid and upscale
    lw, lh = max(8, out_w // 8), max(8, out_h // 8)
    yy, xx = np.mgrid[0:lh, 0:lw].astype(np.float32)
    xx *= out_w / lw
    yy *= out_h / lh
    g = nr.uniform(0, 2 * np.pi)
    t = ((xx - out_w / 2) * np.cos(g) + (yy - out_h / 2) * np.sin(g)) / max(out_w, out_h)
    light = 1.0 + t * nr.uniform(0.25, 0.6)
    r2 = ((xx - out_w / 2) / out_w) ** 2 + ((yy - out_h / 2) / out_h) ** 2
    light *= 1.0 - nr.uniform(0.1, 0.35) * r2 * 2
    if nr.random() < 0.4:
        sx, sy = nr.uniform(0, out_w), nr.uniform(0, out_h)
        blob = np.exp(-(((xx - sx) / (out_w * 0.3)) ** 2 + ((yy - sy) / (out_h * 0.25)) ** 2))
        light *= 1 - nr.uniform(0.15, 0.35) * blob
    light = cv2.resize(light.astype(np.float32), (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    cast = np.array([nr.uniform(0.95, 1.05), nr.uniform(0.95, 1.02), nr.uniform(0.82, 0.98)], np.float32)
    out = (out * light[..., None] * cast * nr.uniform(0.9, 1.08)).astype(np.float32)
    out = cv2.GaussianBlur(out, (0, 0), nr.uniform(0.5, 1.2))
    out += _noise(nr, out.shape, nr.uniform(2.5, 6))
    return R.to_img(out), M.astype(float)


def scale3(k):
    return np.diag([k, k, 1.0])


def crop_to_ink(img, margin=0.05):
    a = np.asarray(img.convert("L"))
    ys, xs = np.where(a < 235)
    m = int(margin * img.width)
    x0, y0 = max(0, xs.min() - m), max(0, ys.min() - m)
    box = (x0, y0, min(img.width, xs.max() + m), min(img.height, ys.max() + m))
    return img.crop(box), np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], float)


def emit(pages, cond, rng, nr, out_dir, stem, title, dpi_choices=(200, 240, 300), photo_crop=0.0,
         force_pdf=False):
    """Write `pages` under a capture condition.  Returns (file name, capture
    dict, per-page 3x3 transform from page points to output pixels, per-page
    text-layer flags)."""
    capture = {"dpi": None, "grayscale": False}
    n = len(pages)
    pdf = force_pdf or n > 1 or cond in ("digital_pdf", "image_pdf")
    xfs, text_layer = [], []
    if cond == "digital_pdf":
        scans = {}
        for i, pg in enumerate(pages):
            if pg.embed_scan:
                img, _ = scan(raster_page(pg, 200), nr, rng.random() < 0.5, rng.random() < 0.4)
                scans[i] = img
            xfs.append(scale3(QUAD_DPI_PDF / 72.0))
            text_layer.append(not pg.embed_scan)
        name = stem + ".pdf"
        write_pdf_pages(pages, os.path.join(out_dir, name), title, scans)
        capture["text_layer"] = all(text_layer) if all(text_layer) else "partial"
        return name, capture, xfs, text_layer
    imgs = []
    if cond == "phone_photo":
        long_side = rng.choice([2400, 2800, 3000]) if n == 1 else 2200
        for pg in pages:
            dpi = rng.uniform(170, 220) if not pg.placements else rng.uniform(230, 280)
            page_img = raster_page(pg, dpi)
            X0 = scale3(dpi / 72.0)
            fill = (0.62, 0.86)
            if photo_crop and rng.random() < photo_crop:
                page_img, C = crop_to_ink(page_img)
                X0 = C @ X0
                fill = (0.75, 0.92)
                capture["layout_photo"] = "detail"
            if page_img.width > page_img.height:
                ow, oh = long_side, long_side * 3 // 4
            else:
                ow, oh = long_side * 3 // 4, long_side
            img, M = photo(page_img, nr, ow, oh, fill=fill)
            imgs.append(img)
            xfs.append(M @ X0)
            text_layer.append(False)
        if not pdf:
            name = stem + ".jpg"
            R.save_jpeg(imgs[0], os.path.join(out_dir, name), rng.randint(72, 90))
            return name, capture, xfs, text_layer
        name = stem + ".pdf"
        imgs[0].save(os.path.join(out_dir, name), "PDF", resolution=imgs[0].width / 8.27, save_all=True,
                     append_images=imgs[1:], quality=80, **PDF_DATES)
        capture["pages"] = n
        return name, capture, xfs, text_layer
    dpi = rng.choice(dpi_choices)
    gray = rng.random() < {"clean_scan": 0.4, "noisy_scan": 0.6, "image_pdf": 0.5}[cond]
    for pg in pages:
        noisy = cond == "noisy_scan" or (cond == "image_pdf" and rng.random() < 0.3)
        img, T = scan(raster_page(pg, dpi), nr, gray, noisy)
        imgs.append(img)
        xfs.append(T @ scale3(dpi / 72.0))
        text_layer.append(False)
    capture.update(dpi=dpi, grayscale=gray)
    if pdf:
        name = stem + ".pdf"
        imgs[0].save(os.path.join(out_dir, name), "PDF", resolution=float(dpi), save_all=True,
                     append_images=imgs[1:], quality=85 if cond != "noisy_scan" else 55, **PDF_DATES)
        if n > 1:
            capture["pages"] = n
    elif cond == "clean_scan" and rng.random() < 0.35:
        name = stem + ".png"
        imgs[0].save(os.path.join(out_dir, name), dpi=(dpi, dpi), compress_level=2)
    else:
        name = stem + ".jpg"
        q = rng.randint(85, 95) if cond == "clean_scan" else rng.randint(35, 60)
        imgs[0].save(os.path.join(out_dir, name), "JPEG", quality=q, dpi=(dpi, dpi))
    return name, capture, xfs, text_layer


def write_truth(out_dir, stem, name, cond, documents, capture):
    truth = {"file": name, "condition": cond, "documents": documents, "pages": [], "capture": capture}
    with open(os.path.join(out_dir, stem + ".truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=2)


# ---------------------------------------------------------------------------
# Layout helpers for forms
# ---------------------------------------------------------------------------
def para(cv, st, x0, x1, y, text, font=None, size=None, indent=0.0, lh=None, color=BLACK):
    """Wrapped paragraph starting at baseline y; returns the next baseline."""
    font = font or st.lf
    size = size or st.size
    lh = lh or st.lh
    for i, ln in enumerate(wrap_words(text, x1 - x0 - indent, x1 - x0, font, size)):
        cv.text(x0 + (indent if i == 0 else 0), y, ln, font, size, color=color)
        y += lh
    return y


def form_top(cv, st, r, W, ml, mr, mt, tag=None, circular=None):
    """Top of an application/declaration form: optional form tag at the top
    right, national motto centred.  Returns the baseline below."""
    y = mt + st.size
    if tag:
        x1 = W - mr
        cv.text(x1, y - 6, tag, st.bf, st.size * 0.85, align="r")
        y += st.size * 0.9
        if circular:
            for ln in circular:
                cv.text(x1, y, ln, st.itf, st.size * 0.7, align="r")
                y += st.size * 0.85
        y += st.size * 0.8
    size = min(st.size, 12.5)
    y = R.national_header(cv, st, W / 2, y, size)
    if r.random() < 0.3:
        cv.text(W / 2, y - size * 0.15, "-" * 15 if r.random() < 0.5 else "---------oOo---------", st.lf,
                size * 0.8, align="c")
        y += size * 0.9
    return y + size * 0.6


def title_lines(cv, st, W, y, lines, size, color=BLACK, font=None):
    font = font or st.bf
    size = R.fit_size(lines, font, size, W - 100)
    for t in lines:
        cv.text(W / 2, y + size * 0.8, t, font, size, align="c", color=color)
        y += size * 1.3
    return y + size * 0.2


def hand_style(r, st, hand):
    """Values filled by hand-looking blue italics (or typed)."""
    if hand:
        st.vfont = fam(r.choice(["FreeSerif", "NotoSerif", "LiberationSerif", "DejaVuSerifCondensed"]), "i")
        st.vcolor = (r.randint(10, 40), r.randint(30, 60), r.randint(120, 170))
        st.vscale = r.uniform(1.02, 1.1)


def sign_here(cv, st, r, cx, y, title, note=None, name=None, stamp=None, sig=True):
    """One signature column (title: a line or a list of lines); returns y below."""
    for t in ([title] if isinstance(title, str) else title):
        cv.text(cx, y, t, st.bf, st.size, align="c")
        y += st.size * 1.25
    if note:
        cv.text(cx, y, note, st.itf, st.size * 0.8, align="c")
        y += st.size * 1.15
    h = st.size * 3.4
    if sig:
        cv.image(cx - h * 1.3 + r.uniform(-8, 8), y, cx + h * 1.3, y + h, R.signature(r))
    if stamp:
        rr = st.size * r.uniform(3.2, 3.8)
        sx = cx - h * r.uniform(0.4, 0.9)
        cv.image(sx - rr, y + h / 2 - rr, sx + rr, y + h / 2 + rr, R.round_stamp(r, *stamp))
    y += h + st.size * 1.2
    if name:
        cv.text(cx, y, name, st.bf, st.size, align="c")
        y += st.size
    return y


def checkbox(cv, x, y, size, ticked):
    s = size * 0.75
    cv.rect(x, y - s, x + s, y, stroke=BLACK, w=0.6)
    if ticked:
        cv.line(x + s * 0.15, y - s * 0.5, x + s * 0.42, y - s * 0.1, w=1.1, color=(20, 40, 140))
        cv.line(x + s * 0.42, y - s * 0.1, x + s * 1.0, y - s * 1.15, w=1.1, color=(20, 40, 140))
    return s


def digit_boxes(cv, st, x, y, digits, n=12, vfont=None, vcolor=BLACK):
    """A row of n boxes with one digit each (CT01 style)."""
    bw = st.size * 1.25
    for i in range(n):
        x0 = x + i * bw
        cv.rect(x0, y - st.size * 1.0, x0 + bw, y + st.size * 0.3, stroke=BLACK, w=0.5)
        if i < len(digits):
            cv.text(x0 + bw / 2, y - st.size * 0.05, digits[i], vfont or st.vfont, st.size, color=vcolor, align="c")
    return x + n * bw


# ---------------------------------------------------------------------------
# 1. Giấy xác nhận tình trạng hôn nhân
# ---------------------------------------------------------------------------
BANKS = ["Ngân hàng TMCP Ngoại thương Việt Nam - Chi nhánh Thành Công",
         "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam - Chi nhánh Đông Anh",
         "Ngân hàng TMCP Công thương Việt Nam - Chi nhánh Hoàn Kiếm",
         "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam - Chi nhánh Cầu Giấy",
         "Ngân hàng Chính sách xã hội huyện Yên Phong",
         "Ngân hàng TMCP Quân đội - Chi nhánh Bắc Ninh"]


def court_of(rng, C, when):
    if C["district"] and when < R.NEW_UNITS_START:
        return nfc(f"Tòa án nhân dân {' '.join(unit_parts(C['district']))}, {' '.join(unit_parts(C['prov']))}")
    if when >= R.NEW_UNITS_START:
        return nfc(f"Tòa án nhân dân khu vực {rng.randint(1, 12)} - {C['place']}")
    return nfc(f"Tòa án nhân dân {' '.join(unit_parts(C['prov']))}")


def marital_sentence(rng, sex, issue, C, dob):
    spouse = "chồng" if sex == "Nữ" else "vợ"
    other = "ông" if sex == "Nữ" else "bà"
    other_sex = "Nam" if sex == "Nữ" else "Nữ"
    married_from = add_years(dob, 20)
    r = rng.random()
    if r < 0.5 or married_from > issue - timedelta(days=800):
        return rng.choice(["Chưa đăng ký kết hôn với ai.", "Chưa đăng ký kết hôn với ai.",
                           "Hiện tại chưa đăng ký kết hôn với ai.", "Chưa đăng ký kết hôn với ai"]), "single"
    ex = person_name(rng, other_sex).title()
    end = rand_date(rng, married_from + timedelta(days=400), issue - timedelta(days=120))
    if r < 0.72:
        kind = rng.choice(["Bản án", "Quyết định"])
        num = f"{rng.randint(1, 480)}/{end.year}/" + ("HNGĐ-ST" if kind == "Bản án" else "QĐST-HNGĐ")
        s = (f"Đã đăng ký kết hôn với {other} {ex}, nhưng đã ly hôn theo {kind} số {num} ngày {dmy(end)} "
             f"của {court_of(rng, C, end)}." + rng.choice([" Hiện tại chưa đăng ký kết hôn với ai.", ""]))
        return s, "divorced"
    if r < 0.84:
        s = (f"Có đăng ký kết hôn nhưng {spouse} đã chết (Trích lục khai tử số {rng.randint(1, 300)}/TLKT-BS "
             f"ngày {dmy(end)}). Hiện tại chưa đăng ký kết hôn với ai.")
        return s, "widowed"
    md = rand_date(rng, married_from, issue - timedelta(days=300))
    s = (f"Đang có {spouse} là {other} {ex} (Giấy chứng nhận kết hôn số {rng.randint(1, 250)}, quyển số "
         f"{rng.randint(1, 4):02d}/{md.year} do {C['running']} cấp ngày {dmy(md)}).")
    return s, "married"


def marital_purpose(rng, status, sex, issue):
    r = rng.random()
    if status != "married" and r < 0.45:
        if rng.random() < 0.5:
            return rng.choice(["làm thủ tục đăng ký kết hôn", "Làm thủ tục đăng ký kết hôn", "đăng ký kết hôn."])
        o_sex = "Nam" if sex == "Nữ" else "Nữ"
        dob = rand_date(rng, add_years(issue, -45), add_years(issue, -20))
        C2 = committee(rng, issue)
        return (f"làm thủ tục đăng ký kết hôn với {'anh' if o_sex == 'Nam' else 'chị'} {person_name(rng, o_sex)}, "
                f"sinh năm {dob.year}, tại {C2['running']}")
    r = rng.random()
    if r < 0.3:
        return rng.choice(["làm thủ tục vay vốn ngân hàng", "Bổ sung hồ sơ vay vốn ngân hàng."])
    if r < 0.5:
        return f"bổ sung hồ sơ vay vốn tại {rng.choice(BANKS)}"
    if r < 0.8:
        return rng.choice(["làm thủ tục mua bán nhà đất", "làm thủ tục chuyển nhượng quyền sử dụng đất",
                           "Làm thủ tục mua bán, chuyển nhượng nhà đất.", "làm thủ tục mua bán nhà đất."])
    return rng.choice(["bổ sung hồ sơ xuất khẩu lao động", "làm thủ tục nhận thừa kế quyền sử dụng đất",
                       "làm thủ tục tặng cho quyền sử dụng đất"])


def gen_marital(rng, subject=None, issue=None):
    issue = issue or rand_date(rng, date(2019, 1, 1), date(2026, 3, 31))
    C = committee(rng, issue)
    if subject is None:
        subject = new_person(rng, issue, age=(19, 62), code=C["code"] if rng.random() < 0.5 else None)
        subject["residence"] = residence_in(rng, C)
    sex, dob = subject["sex"], subject["dob"]
    status_text, status = marital_sentence(rng, sex, issue, C, dob)
    purpose = marital_purpose(rng, status, sex, issue)
    until = add_months(issue, 6) - timedelta(days=rng.choice([0, 0, 1]))
    r = rng.random()
    num = rng.randint(1, 480)
    cert = (f"{num}/UBND-XNTTHN" if r < 0.7 else f"{num}/XNTTHN" if r < 0.85 else f"{num}/{issue.year}/XNTTHN")
    F = {
        "certificate_number": cert,
        "full_name": subject["name"],
        "date_of_birth": dob.isoformat(),
        "sex": sex,
        "ethnicity": subject["eth"],
        "nationality": "Việt Nam",
        "id_number": subject["id"],
        "residence": subject["residence"],
        "marital_status": strip_stop(status_text),
        "purpose": strip_stop(purpose),
        "valid_until": until.isoformat(),
        "issuing_authority": C["running"],
        "issue_date": issue.isoformat(),
    }
    X = dict(C=C, issue=issue, until=until, status_text=nfc(status_text), purpose_text=nfc(purpose),
             paper=id_paper(rng, subject["id"], issue), subject=subject, status=status)
    if rng.random() < 0.2 and add_years(dob, 18) < issue - timedelta(days=2200):  # a former residence period
        C0 = committee(rng, issue - timedelta(days=800))
        a = rand_date(rng, add_years(dob, 18), issue - timedelta(days=1500))
        b = rand_date(rng, a + timedelta(days=200), issue - timedelta(days=300))
        X["period"] = (residence_in(rng, C0), a, b)
    return F, X


def layout_marital(rng, F, X, dotted):
    C = X["C"]

    def draw(r, k):
        st = Style(r, serif_bias=0.85)
        st.size = min(st.size, 12.6)
        st.spacing = max(st.spacing, 1.45)
        for _ in range(k):
            st.shrink()
        if dotted:
            st.leader = r.choice(["after", "after", "both"])
            hand_style(r, st, r.random() < 0.3)
        else:
            st.leader = None
            st.indent = 0
        cv, W, H, ml, mr, mt = R.new_page(r)
        x1 = W - mr
        y = mt + st.size
        if dotted and r.random() < 0.3:
            cv.text(x1, y - 8, "Mẫu TP/HT-2020-XNTTHN", st.itf, st.size * 0.75, align="r")
            y += st.size * 0.6
        y = R.header_block(cv, st, r, C["header"], [f"Số: {F['certificate_number']}"], W, ml, mr, y)
        tsize = st.size * r.uniform(1.3, 1.6)
        y += st.size * r.uniform(0.6, 1.6)
        if r.random() < 0.6:
            y = title_lines(cv, st, W, y, ["GIẤY XÁC NHẬN", "TÌNH TRẠNG HÔN NHÂN"], tsize)
        else:
            y = title_lines(cv, st, W, y, ["GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"], tsize * 0.92)
        y += st.size * r.uniform(0.8, 1.6)
        f = Flow(cv, st, ml, x1, y)
        s = X["subject"]
        intro = r.random()
        if intro < 0.35:
            req = s["name"] if r.random() < 0.6 else person_name(r, r.choice(["Nam", "Nữ"]))
            f.field("Xét đề nghị của ông/bà:", f"{req}, về việc cấp Giấy xác nhận tình trạng hôn nhân,")
        elif intro < 0.6:
            f.y = para(cv, st, ml, x1, f.y, f"Xét đề nghị của ông/bà {s['name'].title()} về việc cấp Giấy xác "
                       f"nhận tình trạng hôn nhân, {C['full']}", indent=24)
        elif intro < 0.75:
            f.y = para(cv, st, ml, x1, f.y, f"{C['running']} xác nhận tình trạng hôn nhân của công dân như sau:",
                       indent=24)
        f.nl(0.2)
        head = r.choice(["XÁC NHẬN:", "XÁC NHẬN:", "XÁC NHẬN"])
        if r.random() < 0.6:
            cv.text(ml, f.y, head, st.bf, st.size * 1.05)
        else:
            cv.text(W / 2, f.y, head, st.bf, st.size * 1.05, align="c")
        f.nl(1.3)
        bold = fam(st.family, "b")
        name_lab = r.choice(["Họ, chữ đệm, tên:", "Họ, chữ đệm, tên:", "Họ, chữ đệm và tên:", "Họ và tên:"])
        dob = X["subject"]["dob"]
        dob_txt = dmy(dob) if r.random() < 0.85 else ntn(dob)
        id_lab = r.choice(["Giấy tờ tùy thân:", "Giấy tờ tùy thân:", "Giấy tờ tuỳ thân:"])
        res_lab = "Nơi cư trú:" if r.random() < 0.85 else "Nơi cư trú hiện nay:"
        f.field(name_lab, F["full_name"], vfont=bold if (not dotted and r.random() < 0.7) else None,
                vsize=st.size * r.uniform(1.0, 1.12))
        trio = [("Giới tính:", F["sex"]), ("Dân tộc:", F["ethnicity"]), ("Quốc tịch:", F["nationality"])]
        mode = r.random()
        if mode < 0.35:
            f.field("Ngày, tháng, năm sinh:", dob_txt)
            f.row(trio, [0.3, 0.32, 0.38])
        elif mode < 0.6:
            f.row([(r.choice(["Ngày, tháng, năm sinh:", "Ngày sinh:"]), dmy(dob)), trio[0]], [0.62, 0.38])
            f.row(trio[1:], [0.5, 0.5])
        else:
            f.field("Ngày, tháng, năm sinh:", dob_txt)
            for t in trio:
                f.field(*t)
        if r.random() < 0.6:
            f.field(id_lab, X["paper"])
            f.field(res_lab, F["residence"])
        else:
            f.field(res_lab, F["residence"])
            f.field(id_lab, X["paper"])
        if "period" in X:
            addr, a, b = X["period"]
            f.field("Trong thời gian cư trú tại:", f"{addr}, từ ngày {dmy(a)} đến ngày {dmy(b)}")
        f.field("Tình trạng hôn nhân:", X["status_text"], vfont=None)
        until = X["until"]
        v = r.random()
        if v < 0.45:
            valid = ("Giấy này có giá trị sử dụng đến ngày", dmy(until) + ("." if not dotted else ""))
        elif v < 0.75:
            valid = ("Giấy này có giá trị sử dụng đến", ntn(until, r.random() < 0.7) + ("." if not dotted else ""))
        else:
            valid = ("Giấy này có giá trị 06 tháng kể từ ngày cấp, đến ngày", dmy(until) + ".")
        purpose = ("Giấy này được cấp để:" if r.random() < 0.75 else "Giấy này được cấp để", X["purpose_text"])
        for lab, val in ([purpose, valid] if r.random() < 0.55 else [valid, purpose]):
            f.field(lab, val)
        y = f.y + st.size * r.uniform(0.2, 1.0)
        cx = x1 - r.uniform(100, 125)
        sig = r.random()
        if sig < 0.45:
            title, note = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], None
        elif sig < 0.7:
            title, note = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], None
        else:
            title, note = ["NGƯỜI KÝ GIẤY XÁC NHẬN"], "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)"
        place = C["place"] if r.random() < 0.75 else C["name"]
        bottom = R.signature_block(cv, st, r, cx, y, title, note, person_name(r, r.choice(["Nam", "Nữ"])).title(),
                                   C["stamp"], R.date_line(place, X["issue"], r.choice([0, 0, 1])))
        if dotted and r.random() < 0.4:
            yy = bottom + st.size * 1.2
            for ln in ["(1) Ghi tên cơ quan cấp Giấy xác nhận tình trạng hôn nhân.",
                       "(2) Ghi rõ tình trạng hôn nhân hiện tại của người được cấp Giấy xác nhận.",
                       "(3) Ghi rõ mục đích sử dụng Giấy xác nhận tình trạng hôn nhân."]:
                cv.text(ml, yy, ln, st.itf, st.size * 0.72)
                yy += st.size * 0.95
            bottom = yy
        return cv, bottom
    return R.fit_layout(rng, draw)


# ---------------------------------------------------------------------------
# 2. Unknown-type documents (not extracted by the project)
# ---------------------------------------------------------------------------
TT04 = ["(Ban hành kèm theo Thông tư số 04/2020/TT-BTP", "ngày 28/5/2020 của Bộ trưởng Bộ Tư pháp)"]
TT66 = ["(Ban hành kèm theo Thông tư số 66/2023/TT-BCA", "ngày 17/11/2023 của Bộ trưởng Bộ Công an)"]


def _form_style(r, k, hand_p=0.5):
    st = Style(r, serif_bias=0.85)
    st.size = min(st.size, 12.2)
    for _ in range(k):
        st.shrink()
    st.leader = r.choice(["after", "after", "both", None])
    if st.leader:
        hand_style(r, st, r.random() < hand_p)
    return st


def kinh_gui(f, r, text):
    f.field(r.choice(["Kính gửi:", "Kính gửi (1):", "Kính gửi: (1)"]), text)


def doc_marriage_application(rng, when=None):
    when = when or rand_date(rng, date(2019, 1, 1), date(2026, 3, 31))
    C = committee(rng, when)
    w = new_person(rng, when, "Nữ", (19, 40))
    h = new_person(rng, when, "Nam", (20, 45))
    for p in (w, h):
        p["res"] = residence_in(rng, C) if rng.random() < 0.6 else R.address(rng, when >= R.NEW_UNITS_START)[0]
        p["paper"] = id_paper(rng, p["id"], when)
    title = ["TỜ KHAI ĐĂNG KÝ KẾT HÔN"]

    def draw(r, k):
        st = _form_style(r, k)
        st.size = min(st.size, 11.5)
        cv, W, H, ml, mr, mt = R.new_page(r)
        x1 = W - mr
        y = form_top(cv, st, r, W, ml, mr, mt, *(("Mẫu TK đăng ký kết hôn", TT04) if r.random() < 0.3 else (None, None)))
        y = title_lines(cv, st, W, y + st.size * 0.5, title, st.size * 1.45)
        f = Flow(cv, st, ml, x1, y + st.size * 1.2)
        kinh_gui(f, r, C["full"])
        span = x1 - ml
        lw = span * 0.3
        cw = (span - lw) / 2
        rows = [["Họ, chữ đệm, tên", w["name"], h["name"]],
                ["Ngày, tháng, năm sinh", dmy(w["dob"]), dmy(h["dob"])],
                ["Dân tộc", w["eth"], h["eth"]],
                ["Quốc tịch", "Việt Nam", "Việt Nam"],
                ["Nơi cư trú", w["res"], h["res"]],
                ["Giấy tờ tùy thân", w["paper"], h["paper"]],
                ["Kết hôn lần thứ mấy", r.choice(["Thứ nhất", "Lần đầu", "Thứ nhất"]), r.choice(["Thứ nhất", "Lần đầu", "Thứ hai"])]]
        cols = ["Thông tin", "Bên nữ", "Bên nam"] if r.random() < 0.7 else ["", "BÊN NỮ", "BÊN NAM"]
        y = R.draw_table(cv, st, ml, f.y, [lw, cw, cw], cols, rows, st.size * 0.95, fam(st.family, "b"),
                         st.lf if r.random() < 0.6 else fam(st.family, "i"), ruled="grid", pad=r.uniform(3, 5))
        y += st.size * 1.3
        for t in ["Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự "
                  "nguyện, không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam.",
                  "Chúng tôi chịu trách nhiệm trước pháp luật về cam đoan của mình.",
                  "Đề nghị Quý cơ quan đăng ký."]:
            y = para(cv, st, ml, x1, y, t, indent=20)
        y += st.size * 0.4
        cv.text(x1 - 10, y, f"Làm tại: {C['place']}, {ntn(when, r.random() < 0.6)}", st.itf, st.size * 0.95, align="r")
        y += st.size * 1.6
        yl = sign_here(cv, st, r, ml + span * 0.22, y, "Bên nữ", "(Ký, ghi rõ họ, chữ đệm, tên)", w["name"].title())
        yr = sign_here(cv, st, r, ml + span * 0.78, y, "Bên nam", "(Ký, ghi rõ họ, chữ đệm, tên)", h["name"].title())
        return cv, max(yl, yr)
    return dict(pages=[R.fit_layout(rng, draw)], title=title, family="application", kind="marriage_registration_application")


def doc_birth_application(rng, when=None):
    when = when or rand_date(rng, date(2017, 1, 1), date(2026, 3, 31))
    new = when >= R.NEW_UNITS_START
    C = committee(rng, when)
    dob = when - timedelta(days=rng.randint(3, 55))
    sex = rng.choice(["Nam", "Nữ"])
    fa = new_person(rng, dob, "Nam", (22, 42))
    mo = new_person(rng, dob, "Nữ", (20, 38))
    child = person_name(rng, sex, fa["name"].split()[0])
    res = residence_in(rng, C)
    req = rng.choice([fa, mo])
    title = ["TỜ KHAI ĐĂNG KÝ KHAI SINH"]

    def draw(r, k):
        st = _form_style(r, k)
        cv, W, H, ml, mr, mt = R.new_page(r)
        x1 = W - mr
        y = form_top(cv, st, r, W, ml, mr, mt, *(("Mẫu TK khai sinh", TT04) if r.random() < 0.3 else (None, None)))
        y = title_lines(cv, st, W, y + st.size * 0.5, title, st.size * 1.45)
        f = Flow(cv, st, ml, x1, y + st.size * 1.0)
        kinh_gui(f, r, C["full"])
        f.field("Họ, chữ đệm, tên người yêu cầu:", req["name"])
        f.field("Nơi cư trú:", res)
        f.field("Giấy tờ tùy thân:", id_paper(r, req["id"], when))
        f.field("Quan hệ với người được khai sinh:", "Cha" if req is fa else "Mẹ")
        cv.text(ml, f.y, "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", fam(st.family, "b"), st.size)
        f.nl()
        f.field("Họ, chữ đệm, tên:", child)
        mid = ml + (x1 - ml) * 0.46
        f.field("Ngày, tháng, năm sinh:", dmy(dob), x_end=mid - 4, newline=False)
        f.field("ghi bằng chữ:", R.date_in_words(dob), x=mid)
        f.row([("Giới tính:", sex), ("Dân tộc:", fa["eth"]), ("Quốc tịch:", "Việt Nam")], [0.3, 0.32, 0.38])
        f.field("Nơi sinh:", R.birth_place(r, new))
        f.field("Quê quán:", R.address(r, new, with_street=False)[0])
        for who, p in (("mẹ", mo), ("cha", fa)):
            f.field(f"Họ, chữ đệm, tên người {who}:", p["name"])
            f.row([("Năm sinh:", str(p["dob"].year)), ("Dân tộc:", p["eth"]), ("Quốc tịch:", "Việt Nam")],
                  [0.3, 0.32, 0.38])
            f.field("Nơi cư trú:", res)
        y = para(cv, st, ml, x1, f.y + st.size * 0.3, "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là "
                 "đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan của mình.", indent=20)
        cv.text(x1 - 10, y + st.size * 0.3, f"Làm tại: {C['place']}, {ntn(when, r.random() < 0.6)}", st.itf,
                st.size * 0.95, align="r")
        y += st.size * 1.8
        yy = y
        cv.text(ml, yy, "Đề nghị cấp bản sao:", st.lf, st.size * 0.95)
        xb = ml + measure("Đề nghị cấp bản sao:", st.lf, st.size * 0.95) + 6
        for lab, t in (("Có", True), ("Không", False)):
            xb += cv.text(xb, yy, lab, st.lf, st.size * 0.95) + 3
            xb += checkbox(cv, xb, yy, st.size, t) + 10
        cv.text(ml, yy + st.lh, f"Số lượng: {r.randint(1, 3):02d} bản", st.lf, st.size * 0.95)
        bottom = sign_here(cv, st, r, x1 - 110, y, "Người yêu cầu", "(Ký, ghi rõ họ, chữ đệm, tên)",
                           req["name"].title())
        return cv, bottom
    return dict(pages=[R.fit_layout(rng, draw)], title=title, family="application", kind="birth_registration_application")


POA_TASKS = [
    "nộp hồ sơ, nhận kết quả thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
    "liên hệ với Công an phường để làm thủ tục xác nhận thông tin về cư trú",
    "nộp hồ sơ và nhận kết quả thủ tục đăng ký khai sinh cho con",
    "liên hệ với Văn phòng đăng ký đất đai để làm thủ tục đăng ký biến động quyền sử dụng đất",
    "ký kết, thực hiện hợp đồng vay vốn và thế chấp tài sản tại ngân hàng",
]


def doc_power_of_attorney(rng, when=None):
    when = when or rand_date(rng, date(2019, 1, 1), date(2026, 3, 31))
    new = when >= R.NEW_UNITS_START
    C = committee(rng, when)
    A = new_person(rng, when, age=(25, 70))
    B = new_person(rng, when, age=(20, 60))
    for p in (A, B):
        p["res"] = R.address(rng, new)[0]
        p["issued"] = rand_date(rng, date(2016, 6, 1), when - timedelta(days=30))
    task = rng.choice(POA_TASKS)
    title = ["GIẤY ỦY QUYỀN"] if rng.random() < 0.85 else ["GIẤY UỶ QUYỀN"]

    def draw(r, k):
        st = Style(r, serif_bias=0.7)
        st.size = min(st.size, 12.0)
        for _ in range(k):
            st.shrink()
        st.leader = None if r.random() < 0.7 else "after"
        st.indent = 0
        cv, W, H, ml, mr, mt = R.new_page(r)
        x1 = W - mr
        y = form_top(cv, st, r, W, ml, mr, mt)
        y = title_lines(cv, st, W, y + st.size * 0.5, title, st.size * 1.6)
        cv.text(W / 2, y, f"(V/v: {task})" if len(task) < 70 else "(Dùng cho cá nhân)", st.itf, st.size * 0.95, align="c")
        y += st.lh * 1.3
        y = para(cv, st, ml, x1, y, "- Căn cứ Bộ luật Dân sự nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2015;",
                 font=st.itf)
        y = para(cv, st, ml, x1, y, "- Căn cứ vào nhu cầu và khả năng của các bên.", font=st.itf)
        y = para(cv, st, ml, x1, y + st.size * 0.3, f"Hôm nay, {ntn(when)}, tại {C['full']}, chúng tôi gồm có:")
        f = Flow(cv, st, ml, x1, y + st.size * 0.4)
        bold = fam(st.family, "b")
        for head, p in (("I. BÊN ỦY QUYỀN (Bên A):", A), ("II. BÊN NHẬN ỦY QUYỀN (Bên B):", B)):
            cv.text(ml, f.y, head, bold, st.size)
            f.nl()
            f.field(r.choice(["Họ và tên:", "Họ, chữ đệm và tên:", "Ông/Bà:"]), p["name"], vfont=bold)
            f.row([("Ngày sinh:", dmy(p["dob"])), ("Giới tính:", p["sex"])], [0.55, 0.45])
            if r.random() < 0.5:
                f.field("Số CCCD:", f"{p['id']}   cấp ngày: {dmy(p['issued'])}")
            else:
                f.field("Căn cước công dân số:", p["id"])
                f.field("Cấp ngày:", f"{dmy(p['issued'])}   Nơi cấp: Cục Cảnh sát quản lý hành chính về trật tự xã hội")
            f.field(r.choice(["Địa chỉ thường trú:", "Nơi thường trú:", "Nơi cư trú:"]), p["res"])
            f.nl(0.3)
        cv.text(ml, f.y, "III. NỘI DUNG ỦY QUYỀN:", bold, st.size)
        y = para(cv, st, ml, x1, f.y + st.lh, f"Bên A ủy quyền cho Bên B thay mặt Bên A {task}; ký các giấy tờ, "
                 "biểu mẫu có liên quan theo quy định của pháp luật.", indent=20)
        cv.text(ml, y, "IV. THỜI HẠN ỦY QUYỀN:", bold, st.size)
        y = para(cv, st, ml, x1, y + st.lh, "Kể từ ngày ký cho đến khi Bên B hoàn thành công việc được ủy quyền.",
                 indent=20)
        cv.text(ml, y, "V. CAM KẾT CỦA CÁC BÊN:", bold, st.size)
        y = para(cv, st, ml, x1, y + st.lh, "Hai bên cam kết chịu trách nhiệm trước pháp luật về mọi thông tin ủy "
                 "quyền ở trên. Giấy ủy quyền được lập thành 02 bản, mỗi bên giữ 01 bản.", indent=20)
        y += st.size * 0.8
        span = x1 - ml
        yl = sign_here(cv, st, r, ml + span * 0.22, y, "BÊN ỦY QUYỀN", "(Ký, ghi rõ họ tên)", A["name"].title())
        yr = sign_here(cv, st, r, ml + span * 0.78, y, "BÊN NHẬN ỦY QUYỀN", "(Ký, ghi rõ họ tên)", B["name"].title())
        y = max(yl, yr) + st.size
        if r.random() < 0.5:  # certification of the signatures by the committee
            cv.text(W / 2, y + st.size, "LỜI CHỨNG THỰC CHỮ KÝ", bold, st.size * 1.05, align="c")
            y = para(cv, st, ml, x1, y + st.size * 2.4, f"{ntn(when)}, tại {C['running']}, tôi "
                     f"{person_name(r, r.choice(['Nam', 'Nữ'])).title()}, Phó Chủ tịch {C['running']}, chứng thực "
                     f"ông/bà {A['name'].title()} và ông/bà {B['name'].title()} đã ký vào giấy ủy quyền này trước mặt tôi.",
                     size=st.size * 0.92, indent=20)
            cv.text(ml, y, f"Số chứng thực: {r.randint(10, 2000)}, quyển số {r.randint(1, 9):02d}/{when.year}-SCT/CK,ĐC",
                    st.lf, st.size * 0.92)
            y = sign_here(cv, st, r, x1 - 110, y + st.size * 1.2, "PHÓ CHỦ TỊCH", None, None, C["stamp"])
        return cv, y
    return dict(pages=[R.fit_layout(rng, draw)], title=title, family="authorisation", kind="power_of_attorney")


CT01_REQUESTS = ["Đăng ký thường trú vào hộ gia đình ông/bà {head}", "Đăng ký tạm trú tại {addr}",
                 "Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú", "Tách hộ",
                 "Xác nhận thông tin về cư trú"]


def doc_ct01(rng, when=None):
    when = when or rand_date(rng, date(2023, 7, 1), date(2026, 3, 31))
    C = committee(rng, when)
    police = nfc(f"Công an {C['kind']} {C['name']}")
    p = new_person(rng, when, age=(18, 65))
    head = new_person(rng, when, age=(30, 80))
    addr = residence_in(rng, C)
    req = rng.choice(CT01_REQUESTS).format(head=head["name"], addr=addr)
    members = [new_person(rng, when, age=(1, 25)) for _ in range(rng.randint(0, 3))]
    for m_ in members:
        m_["rel"] = rng.choice(["Con", "Cháu"]) if (m_["dob"] - head["dob"]).days > 18 * 365 else "Em"

    def relation(q):
        if (q["dob"] - head["dob"]).days > 18 * 365:
            return rng.choice(["Con", "Cháu", "Con rể" if q["sex"] == "Nam" else "Con dâu"])
        return rng.choice(["Vợ" if q["sex"] == "Nữ" else "Chồng", "Em", "Người ở nhờ"])
    p_rel = relation(p)
    title = ["TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ"]

    def draw(r, k):
        st = _form_style(r, k, hand_p=0.6)
        st.size = min(st.size, 11.5)
        cv, W, H, ml, mr, mt = R.new_page(r)
        x1 = W - mr
        y = form_top(cv, st, r, W, ml, mr, mt, "Mẫu CT01", TT66 if r.random() < 0.7 else None)
        y = title_lines(cv, st, W, y + st.size * 0.3, title, st.size * 1.35)
        f = Flow(cv, st, ml, x1, y + st.size * 0.8)
        f.field("Kính gửi (1):", police)
        f.field("1. Họ, chữ đệm và tên:", p["name"])
        f.row([("2. Ngày, tháng, năm sinh:", dmy(p["dob"])), ("3. Giới tính:", p["sex"])], [0.62, 0.38])
        lab = "4. Số định danh cá nhân:"
        w = cv.text(ml, f.y, lab, st.lf, st.size)
        if r.random() < 0.7:
            digit_boxes(cv, st, ml + w + 6, f.y, p["id"], vfont=st.vfont, vcolor=st.vcolor)
            f.nl(1.15)
        else:
            f.field(lab, p["id"])
        f.row([("5. Số điện thoại liên hệ:", "09" + "".join(str(r.randint(0, 9)) for _ in range(8))),
               ("6. Email:", "")], [0.55, 0.45])
        f.row([("7. Họ, chữ đệm và tên chủ hộ:", head["name"]), ("8. Mối quan hệ với chủ hộ:", p_rel)],
              [0.62, 0.38])
        lab = "9. Số định danh cá nhân của chủ hộ:"
        w = cv.text(ml, f.y, lab, st.lf, st.size)
        digit_boxes(cv, st, ml + w + 6, f.y, head["id"], vfont=st.vfont, vcolor=st.vcolor)
        f.nl(1.15)
        f.field("10. Nội dung đề nghị (2):", req)
        if r.random() < 0.5:
            f.field("Nơi thường trú:", addr)
        cv.text(ml, f.y, "11. Những thành viên trong hộ gia đình cùng thay đổi:", st.lf, st.size)
        f.nl(0.5)
        tsz = st.size * 0.85
        head_row = ["TT", "Họ, chữ đệm và tên", "Ngày, tháng, năm sinh", "Giới tính", "Số định danh cá nhân",
                    "Mối quan hệ với chủ hộ"]
        span = x1 - ml
        widths = [span * x for x in (0.06, 0.3, 0.16, 0.1, 0.22, 0.16)]
        rows = [[str(i + 1), m["name"], dmy(m["dob"]), m["sex"], m["id"], m["rel"]]
                for i, m in enumerate(members)] or [["", "", "", "", "", ""]] * 2
        y = R.draw_table(cv, st, ml, f.y, widths, head_row, rows, tsz, fam(st.family, "b"), st.vfont,
                         ruled="grid", aligns=["c", "l", "c", "c", "c", "l"])
        y += st.size * 1.3
        cv.text(x1 - 10, y, f"{C['place']}, {ntn(when, r.random() < 0.5)}", st.itf, st.size * 0.95, align="r")
        y += st.size * 1.5
        cols = [ml + span * 0.17, ml + span * 0.5, ml + span * 0.83]
        ys = [sign_here(cv, st, r, cols[0], y, "Ý KIẾN CỦA CHỦ HỘ (3)", "(Ghi rõ nội dung, ký, ghi rõ họ tên)",
                        head["name"].title(), sig=r.random() < 0.7),
              sign_here(cv, st, r, cols[1], y, "Ý KIẾN CỦA CHỦ SỞ HỮU", "(Ký, ghi rõ họ tên)", None, sig=False),
              sign_here(cv, st, r, cols[2], y, "NGƯỜI KÊ KHAI", "(Ký, ghi rõ họ tên)", p["name"].title())]
        return cv, max(ys)
    return dict(pages=[R.fit_layout(rng, draw)], title=title, family="declaration", kind="ct01_residence_change_declaration")


def doc_request_letter(rng, when=None):
    """Đơn đề nghị … (a citizen's letter of request)."""
    when = when or rand_date(rng, date(2019, 1, 1), date(2026, 3, 31))
    C = committee(rng, when)
    police = nfc(f"Công an {C['kind']} {C['name']}")
    p = new_person(rng, when, age=(18, 70))
    addr = residence_in(rng, C)
    subj, to = rng.choice([("xác nhận thông tin về cư trú", police),
                           ("cấp bản sao Giấy khai sinh", C["running"]),
                           ("cấp bản sao trích lục kết hôn", C["running"]),
                           ("xác nhận nhân thân", police)])
    if rng.random() < 0.5:
        title = ["ĐƠN ĐỀ NGHỊ"]
        sub = f"(V/v: {subj})"
    else:
        title = [("ĐƠN ĐỀ NGHỊ " + subj).upper()]
        sub = None
    title = [nfc(t) for t in title]

    def draw(r, k):
        st = Style(r, serif_bias=0.8)
        st.size = min(st.size, 12.5)
        for _ in range(k):
            st.shrink()
        st.leader = r.choice([None, "after"])
        st.indent = 0
        hand_style(r, st, st.leader is not None and r.random() < 0.5)
        cv, W, H, ml, mr, mt = R.new_page(r)
        x1 = W - mr
        y = form_top(cv, st, r, W, ml, mr, mt)
        y = title_lines(cv, st, W, y + st.size * 0.6, title, st.size * (1.5 if len(title[0]) < 20 else 1.25))
        if sub:
            cv.text(W / 2, y, sub, st.itf, st.size, align="c")
            y += st.lh
        f = Flow(cv, st, ml, x1, y + st.size)
        f.field("Kính gửi:", to, vfont=fam(st.family, "b"))
        f.nl(0.3)
        f.field(r.choice(["Tôi tên là:", "Họ, chữ đệm và tên:", "Tôi là (Họ, chữ đệm và tên):"]), p["name"])
        f.row([("Ngày, tháng, năm sinh:", dmy(p["dob"])), ("Giới tính:", p["sex"])], [0.62, 0.38])
        f.field("Số định danh cá nhân:", p["id"])
        f.field("Nơi thường trú:", addr)
        f.field("Nơi ở hiện tại:", addr if r.random() < 0.6 else residence_in(r, C))
        f.field("Số điện thoại:", "0" + r.choice(["9", "8", "3"]) + "".join(str(r.randint(0, 9)) for _ in range(8)))
        y = para(cv, st, ml, x1, f.y + st.size * 0.3, f"Nay tôi làm đơn này kính đề nghị {to} {subj} cho tôi để "
                 f"{r.choice(['bổ sung hồ sơ xin việc', 'làm thủ tục vay vốn', 'bổ sung hồ sơ du học', 'làm thủ tục hành chính'])}.",
                 indent=24)
        y = para(cv, st, ml, x1, y, "Tôi xin cam đoan những thông tin trên là đúng sự thật và chịu trách nhiệm trước "
                 "pháp luật về nội dung đã khai.", indent=24)
        y = para(cv, st, ml, x1, y, "Xin trân trọng cảm ơn!", indent=24)
        cv.text(x1 - 20, y + st.size * 0.5, f"{C['place']}, {ntn(when, r.random() < 0.6)}", st.itf, st.size,
                align="r")
        bottom = sign_here(cv, st, r, x1 - 110, y + st.size * 2.0, "NGƯỜI LÀM ĐƠN", "(Ký và ghi rõ họ tên)",
                           p["name"].title())
        return cv, bottom
    return dict(pages=[R.fit_layout(rng, draw)], title=title, family="application", kind="request_letter")


def doc_marital_application(rng, when=None, subject=None, C=None):
    """Tờ khai (đề nghị) cấp Giấy xác nhận tình trạng hôn nhân - the application, not the certificate."""
    when = when or rand_date(rng, date(2019, 1, 1), date(2026, 3, 31))
    C = C or committee(rng, when)
    if subject is None:
        subject = new_person(rng, when, age=(19, 60))
        subject["residence"] = residence_in(rng, C)
    req = subject if rng.random() < 0.7 else dict(new_person(rng, subject["dob"], age=(20, 40)), residence=subject["residence"])
    relation = "Bản thân" if req is subject else ("Cha" if req["sex"] == "Nam" else "Mẹ")
    status = rng.choice(["Chưa đăng ký kết hôn với ai", "Hiện tại chưa đăng ký kết hôn với ai.", "Đã ly hôn",
                         "Chưa kết hôn"])
    purpose = rng.choice(["Đăng ký kết hôn", "làm thủ tục vay vốn ngân hàng", "Mua bán nhà đất",
                          "bổ sung hồ sơ xuất khẩu lao động"])
    title = (["TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"] if rng.random() < 0.5 else
             ["TỜ KHAI ĐỀ NGHỊ", "XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"] if rng.random() < 0.5 else
             ["TỜ KHAI ĐỀ NGHỊ XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"])

    def draw(r, k):
        st = _form_style(r, k)
        cv, W, H, ml, mr, mt = R.new_page(r)
        x1 = W - mr
        y = form_top(cv, st, r, W, ml, mr, mt, *(("Mẫu TK XNTTHN", TT04) if r.random() < 0.3 else (None, None)))
        y = title_lines(cv, st, W, y + st.size * 0.5, title, st.size * (1.35 if len(title[0]) < 30 else 1.2))
        f = Flow(cv, st, ml, x1, y + st.size * 1.0)
        kinh_gui(f, r, C["full"])
        f.field("Họ, chữ đệm, tên người yêu cầu:", req["name"])
        f.field("Nơi cư trú:", req["residence"])
        f.field(r.choice(["Giấy tờ tùy thân:", "Giấy tờ tuỳ thân:"]), id_paper(r, req["id"], when))
        f.field("Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân:",
                relation)
        cv.text(ml, f.y, "Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:",
                fam(st.family, "b"), st.size)
        f.nl()
        f.field("Họ, chữ đệm, tên:", subject["name"])
        f.field("Ngày, tháng, năm sinh:", dmy(subject["dob"]))
        f.row([("Giới tính:", subject["sex"]), ("Dân tộc:", subject["eth"]), ("Quốc tịch:", "Việt Nam")],
              [0.3, 0.32, 0.38])
        f.field("Nơi cư trú:", subject["residence"])
        f.field("Giấy tờ tùy thân:", id_paper(r, subject["id"], when))
        f.field("Tình trạng hôn nhân (4):", status)
        f.field("Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân (5):", purpose)
        y = para(cv, st, ml, x1, f.y + st.size * 0.3, "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và "
                 "chịu trách nhiệm trước pháp luật về cam đoan của mình.", indent=20)
        cv.text(x1 - 10, y + st.size * 0.3, f"Làm tại: {C['place']}, {ntn(when, r.random() < 0.6)}", st.itf,
                st.size * 0.95, align="r")
        bottom = sign_here(cv, st, r, x1 - 110, y + st.size * 1.9, "Người yêu cầu", "(Ký, ghi rõ họ, chữ đệm, tên)",
                           req["name"].title())
        if r.random() < 0.5:
            yy = bottom + st.size
            for ln in ["(1) Ghi rõ tên cơ quan đăng ký hộ tịch có thẩm quyền cấp Giấy xác nhận tình trạng hôn nhân.",
                       "(4) Đối với người đang có vợ/chồng thì ghi rõ họ tên vợ/chồng.",
                       "(5) Ghi rõ mục đích sử dụng Giấy xác nhận tình trạng hôn nhân."]:
                cv.text(ml, yy, ln, st.itf, st.size * 0.7)
                yy += st.size * 0.9
            bottom = yy
        return cv, bottom
    return dict(pages=[R.fit_layout(rng, draw)], title=title, family="application",
                kind="marital_status_application")


def _old_unit_text(u, lower=True):
    parts = [u[0], u[1], u[2]]
    return ", ".join(" ".join(unit_parts(p)) if lower else p for p in parts)


def doc_household_book(rng, when=None):
    """A spread of the old household register booklet (Sổ hộ khẩu): the front
    page with the head of household and a member page."""
    issued = rand_date(rng, date(1998, 1, 1), date(2016, 12, 31))
    u = rng.choice(R.OLD_UNITS)
    kind, name = unit_parts(u[0])
    dk, dn = unit_parts(u[1])
    street = R.street_part(rng, u[4], u[0].startswith("Xã") or not u[4])
    home = nfc(f"{street}, {_old_unit_text(u, rng.random() < 0.6)}")
    head = new_person(rng, issued, "Nam" if rng.random() < 0.7 else "Nữ", (28, 70))
    rel = "Chủ hộ" if rng.random() < 0.4 else rng.choice(["Vợ" if head["sex"] == "Nam" else "Chồng", "Con", "Con",
                                                           "Cháu", "Mẹ"])
    if rel == "Chủ hộ":
        member = head
    else:
        hd = head["dob"]
        lo, hi = {"Vợ": (add_years(hd, -3), add_years(hd, 8)), "Chồng": (add_years(hd, -8), add_years(hd, 3)),
                  "Mẹ": (add_years(hd, -38), add_years(hd, -18))}.get(rel, (add_years(hd, 18), issued))
        hi = min(hi, issued - timedelta(days=30))
        sex = {"Vợ": "Nữ", "Chồng": "Nam", "Mẹ": "Nữ"}.get(rel, rng.choice(["Nam", "Nữ"]))
        dob = rand_date(rng, min(lo, hi), hi)
        member = dict(sex=sex, dob=dob, name=person_name(rng, sex, head["name"].split()[0] if rel in ("Con", "Cháu")
                                                        and head["sex"] == "Nam" else None),
                      id=None, eth=head["eth"])
    cmnd = f"{rng.randint(10, 199):03d}{rng.randint(0, 999999):06d}"
    book_no = f"{rng.randint(10, 99)}{rng.randint(0, 9999999):07d}"
    title = ["SỔ HỘ KHẨU"]
    police = f"CÔNG AN {dk.upper()} {dn.upper()}"
    paper = rng.choice([(236, 242, 250), (246, 240, 226), (240, 246, 236)])

    def draw(r, k):
        st = Style(r, serif_bias=0.9)
        st.size = min(st.size * 1.1, 12.5) * 0.94 ** k
        st.spacing = min(st.spacing, 1.7)
        st.leader = "after"
        st.leader_char = "."
        st.indent = 0
        hand_style(r, st, r.random() < 0.6)
        W, H = R.A4[1], R.A4[0]
        cv = Canvas(W, H)
        m = r.uniform(22, 40)
        pw = (W - 2 * m) / 2
        bottom = 0
        for i in range(2):
            x0 = m + i * pw + (4 if i else 0)
            x1 = x0 + pw - 8
            cv.rect(x0, m, x1, H - m, stroke=(150, 150, 160), fill=paper, w=0.8)
            if i == 0:
                y = m + 40
                cv.text((x0 + x1) / 2, y, title[0], st.bf, st.size * 2.0, align="c", color=(120, 20, 30))
                y += st.size * 2.2
                cv.text((x0 + x1) / 2, y, f"Số: {book_no}", st.bf, st.size * 1.1, align="c")
                f = Flow(cv, st, x0 + 16, x1 - 12, y + st.size * 2.5)
                f.field("Họ và tên chủ hộ:", head["name"])
                f.field("Chỗ ở hiện nay:", home)
                f.nl(1.5)
                cv.text(x1 - 20, f.y, f"{ntn(issued, r.random() < 0.5)}".capitalize(), st.itf, st.size * 0.95, align="r")
                f.nl()
                yb = sign_here(cv, st, r, x1 - (x1 - x0) * 0.3, f.y + 4, ["TRƯỞNG CÔNG AN", f"{dk.upper()} {dn.upper()}"],
                               "(Ký tên, đóng dấu)",
                               r.choice(["Trung tá", "Thượng tá", "Đại tá"]) + " " + person_name(r, "Nam").title(),
                               (police, R.short_province(u[2]).upper()))
            else:
                y = m + 30
                cv.text((x0 + x1) / 2, y, "CHỦ HỘ" if rel == "Chủ hộ" else f"QUAN HỆ VỚI CHỦ HỘ: {rel.upper()}",
                        st.bf, st.size * 1.1, align="c")
                f = Flow(cv, st, x0 + 14, x1 - 10, y + st.size * 2.0)
                f.field("Họ và tên:", member["name"])
                f.field("Họ và tên gọi khác (nếu có):", "")
                f.row([("Ngày, tháng, năm sinh:", dmy(member["dob"])), ("Giới tính:", member["sex"])], [0.68, 0.32])
                f.field("Nơi sinh:", R.short_province(u[2]) if r.random() < 0.6 else R.address(r, False, False)[0])
                f.field("Nguyên quán:", R.address(r, False, False)[0])
                f.row([("Dân tộc:", member["eth"]), ("Tôn giáo:", r.choice(["Không", "Không", "Phật giáo", "Công giáo"])),
                       ("Quốc tịch:", "Việt Nam")], [0.3, 0.33, 0.37])
                f.row([("CMND số:", cmnd if member["dob"] < add_years(issued, -14) else ""), ("Hộ chiếu số:", "")],
                      [0.55, 0.45])
                age = (issued - member["dob"]).days // 365
                f.field("Nghề nghiệp, nơi làm việc:", "Học sinh" if age < 18 else "Cán bộ hưu trí" if age > 60 else
                        r.choice(["Tự do", "Kinh doanh", "Công nhân Công ty TNHH Minh Phát", "Nội trợ", "Giáo viên"]))
                f.field("Nơi thường trú trước khi chuyển đến:", r.choice(["Sinh ra tại địa phương",
                                                                          R.address(r, False)[0]]))
                f.nl(0.8)
                cv.text(x1 - 20, f.y, f"Ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}", st.itf,
                        st.size * 0.9, align="r")
                f.nl()
                ya = sign_here(cv, st, r, x0 + (x1 - x0) * 0.25, f.y, "Cán bộ đăng ký", "(Ký, ghi rõ họ tên)",
                               person_name(r, "Nam").title())
                yb2 = sign_here(cv, st, r, x0 + (x1 - x0) * 0.72, f.y, "TRƯỞNG CÔNG AN", "(Ký tên, đóng dấu)", None,
                                (police, R.short_province(u[2]).upper()))
                yb = max(ya, yb2)
            bottom = max(bottom, yb)
        return cv, bottom + m - 28
    return dict(pages=[R.fit_layout(rng, draw)], title=title, family="register", kind="household_register_page")


LAND_PURPOSES = ["Đất ở tại đô thị", "Đất ở tại nông thôn", "Đất trồng cây lâu năm", "Đất trồng lúa"]
LAND_ORIGINS = ["Công nhận QSDĐ như giao đất có thu tiền sử dụng đất",
                "Nhận chuyển nhượng đất được Công nhận QSDĐ như giao đất có thu tiền sử dụng đất",
                "Nhà nước giao đất có thu tiền sử dụng đất", "Nhận thừa kế đất được công nhận QSDĐ"]


def drum_pattern(px=500):
    """Faint rosette (bronze-drum like) watermark for the certificate."""
    yy, xx = np.mgrid[0:px, 0:px].astype(np.float32)
    c = px / 2
    rr = np.sqrt((xx - c) ** 2 + (yy - c) ** 2)
    ang = np.arctan2(yy - c, xx - c)
    m = ((np.sin(rr * 0.35) > 0.8) | (np.sin(ang * 14 + rr * 0.05) > 0.97)) & (rr < c - 4)
    a = np.zeros((px, px, 4), np.uint8)
    a[..., 0], a[..., 1], a[..., 2] = 225, 150, 160
    a[..., 3] = (m * 60).astype(np.uint8)
    return Image.fromarray(a, "RGBA")


def land_owner_lines(rng, when):
    h = new_person(rng, when, "Nam", (28, 75))
    age = (when - h["dob"]).days // 365
    w = new_person(rng, when, "Nữ", (max(22, age - 8), age + 3))
    out = []
    for title, p in (("Ông", h), ("Bà", w))[: 2 if rng.random() < 0.7 else 1]:
        if when < date(2021, 6, 1) and rng.random() < 0.6:
            paper = f"CMND số: {rng.randint(10, 199):03d}{rng.randint(0, 999999):06d}"
        else:
            paper = f"{rng.choice(['CCCD số', 'Căn cước công dân số', 'CCCD số:'])} {p['id']}"
        out.append((f"{title}: {p['name']}", f"Năm sinh: {p['dob'].year}", paper))
    return out


def doc_land_certificate(rng, when=None, two_pages=False):
    when = when or rand_date(rng, date(2012, 1, 1), date(2025, 6, 30))
    u = rng.choice(R.OLD_UNITS)
    owners = land_owner_lines(rng, when)
    addr_home = R.address(rng, False)[0]
    parcel = dict(no=rng.randint(10, 900), sheet=rng.randint(1, 80),
                  addr=nfc(f"{R.street_part(rng, u[4], u[0].startswith('Xã') or not u[4])}, {_old_unit_text(u)}"),
                  area=round(rng.uniform(38, 320), 1), purpose=rng.choice(LAND_PURPOSES), origin=rng.choice(LAND_ORIGINS))
    serial = f"{rng.choice(['BX', 'CĐ', 'CS', 'DA', 'BĐ', 'CT'])} {rng.randint(100000, 999999)}"
    book = f"{rng.choice(['CH', 'CS', 'VP'])} {rng.randint(100, 99999):05d}"
    dk, dn = unit_parts(u[1])
    signer_unit = rng.choice([f"ỦY BAN NHÂN DÂN {dk.upper()} {dn.upper()}", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"])
    title = ["GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở", "VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"]
    red = (rng.randint(170, 200), rng.randint(20, 40), rng.randint(30, 50))
    pink = (rng.randint(250, 255), rng.randint(236, 244), rng.randint(236, 244))

    def area_words(a):
        whole, dec = int(a), int(round((a - int(a)) * 10))
        s = words_int(whole) + ("" if dec == 0 else " phẩy " + R.UNITS[dec]) + " mét vuông"
        return cap1(s)

    def frame(cv, W, H):
        cv.rect(0, 0, W, H, stroke=None, fill=pink)
        cv.rect(18, 18, W - 18, H - 18, stroke=red, w=2.2)
        cv.rect(24, 24, W - 24, H - 24, stroke=red, w=0.6)
        cv.image(W / 2 - 160, H / 2 - 160, W / 2 + 160, H / 2 + 160, drum_pattern())

    def page1(r, k, with_parcel):
        st = Style(r, serif_bias=1.0)
        st.size = min(st.size, 11.5) * 0.94 ** k
        st.leader = None
        st.indent = 0
        cv, W, H, ml, mr, mt = R.new_page(r)
        ml, mr = max(ml, 50), max(mr, 45)
        frame(cv, W, H)
        x1 = W - mr
        y = 60
        cv.image(W / 2 - 28, y - 8, W / 2 + 28, y + 48, R.emblem())
        y = R.national_header(cv, st, W / 2, y + 68, st.size * 1.05)
        y += st.size
        for i, t in enumerate(title):
            sz = st.size * (2.1 if i == 0 else 1.35)
            cv.text(W / 2, y + sz * 0.8, t, st.bf, sz, align="c", color=red)
            y += sz * 1.35
        y += st.size
        bold = fam(st.family, "b")
        cv.text(ml, y, "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", bold, st.size)
        y += st.lh * 1.2
        for a, b, c in owners:
            cv.text(ml + 10, y, a, bold, st.size)
            cv.text(ml + 10 + (x1 - ml) * 0.55, y, b, st.lf, st.size)
            y += st.lh
            cv.text(ml + 10, y, c, st.lf, st.size)
            y += st.lh
        y = para(cv, st, ml + 10, x1, y, f"Địa chỉ thường trú: {addr_home}")
        if with_parcel:
            y = parcel_block(cv, st, r, ml, x1, y + st.size * 0.8)
            y = sign_block(cv, st, r, x1, y)
        cv.text(ml, H - 40, serial, fam(st.family, "b"), st.size * 1.2, color=red)
        return cv, y + 20

    def parcel_block(cv, st, r, ml, x1, y):
        bold = fam(st.family, "b")
        cv.text(ml, y, "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", bold, st.size)
        y += st.lh * 1.2
        p = parcel
        area = f"{p['area']:.1f}".replace(".", ",").replace(",0", "")
        items = [("1. Thửa đất:", ""),
                 ("a) Thửa đất số:", f"{p['no']};  Tờ bản đồ số: {p['sheet']}"),
                 ("b) Địa chỉ:", p["addr"]),
                 ("c) Diện tích:", f"{area} m² (Bằng chữ: {area_words(p['area'])})"),
                 ("d) Hình thức sử dụng:", f"Sử dụng riêng: {area} m²; Sử dụng chung: không m²"),
                 ("đ) Mục đích sử dụng:", p["purpose"]),
                 ("e) Thời hạn sử dụng:", "Lâu dài" if p["purpose"].startswith("Đất ở") else "Đến ngày 15/10/2063"),
                 ("g) Nguồn gốc sử dụng:", p["origin"]),
                 ("2. Nhà ở:", r.choice(["-/-"] if not p["purpose"].startswith("Đất ở") else ["-/-", f"Nhà ở riêng lẻ; Diện tích xây dựng: {int(p['area'] * 0.8)} m²; "
                                               f"Số tầng: {r.randint(1, 5)}; Kết cấu: Bê tông cốt thép"])),
                 ("3. Công trình xây dựng khác:", "-/-"),
                 ("4. Rừng sản xuất là rừng trồng:", "-/-"),
                 ("5. Cây lâu năm:", "-/-"),
                 ("6. Ghi chú:", r.choice(["-/-", "Thửa đất thuộc quy hoạch mở rộng đường"]))]
        f = Flow(cv, st, ml + 10, x1, y)
        for lab, val in items:
            f.field(lab, val)
        return f.y

    def sign_block(cv, st, r, x1, y):
        cx = x1 - 120
        d = R.date_line(R.short_province(u[2]), when, r.choice([0, 1]))
        cv.text(cx, y + st.size * 0.5, d, st.itf, st.size * 0.95, align="c")
        y += st.size * 2.0
        lines = ([signer_unit if len(signer_unit) < 34 else "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
                 if signer_unit.startswith("ỦY") else [signer_unit, "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"])
        for t in lines:
            cv.text(cx, y, t, st.bf, st.size * 0.95, align="c")
            y += st.size * 1.25
        y = sign_here(cv, st, r, cx, y - st.size * 1.25, "", None, person_name(r, "Nam").title(),
                      (signer_unit, R.short_province(u[2]).upper()))
        cv.text(R.A4[0] - x1 + 8, y - st.size * 3, f"Số vào sổ cấp GCN: {book}", st.bf, st.size * 0.95)
        return y

    def page2(r, k):
        st = Style(r, serif_bias=1.0)
        st.size = min(st.size, 11.5) * 0.94 ** k
        st.leader = None
        st.indent = 0
        cv, W, H, ml, mr, mt = R.new_page(r)
        ml, mr = max(ml, 50), max(mr, 45)
        frame(cv, W, H)
        x1 = W - mr
        y = parcel_block(cv, st, r, ml, x1, 70)
        y = sign_block(cv, st, r, x1, y + st.size)
        bold = fam(st.family, "b")
        y += st.size * 1.5
        cv.text(ml, y, "III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất", bold, st.size)
        y += st.size
        # a small parcel sketch with edge lengths
        bx, by, bw, bh = ml + 60, y + 10, 160, 110
        pts = [(bx, by + r.uniform(0, 15)), (bx + bw, by), (bx + bw - r.uniform(0, 20), by + bh), (bx + r.uniform(0, 15), by + bh)]
        for a, b in zip(pts, pts[1:] + pts[:1]):
            cv.line(a[0], a[1], b[0], b[1], w=1.0)
            cv.text((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 - 3, f"{r.uniform(4, 25):.2f}".replace(".", ","), st.lf,
                    st.size * 0.75, align="c")
        cv.text(bx + bw / 2, by + bh / 2, f"{parcel['no']}", bold, st.size, align="c")
        cv.text(bx + bw / 2, by + bh / 2 + st.size * 1.1, parcel["purpose"].split(" tại")[0], st.lf, st.size * 0.8,
                align="c")
        y = by + bh + st.size * 2
        cv.text(ml, y, "IV. Những thay đổi sau khi cấp Giấy chứng nhận", bold, st.size)
        y += st.size * 0.6
        rows = [["", ""]] if r.random() < 0.5 else [[
            f"Thế chấp bằng quyền sử dụng đất tại {r.choice(BANKS)} theo hồ sơ số {r.randint(100, 9999)}.TC",
            f"Ngày {dmy(when + timedelta(days=r.randint(100, 900)))}"]]
        y = R.draw_table(cv, st, ml, y, [(x1 - ml) * 0.62, (x1 - ml) * 0.38],
                         ["Nội dung thay đổi và cơ sở pháp lý", "Xác nhận của cơ quan có thẩm quyền"], rows,
                         st.size * 0.9, bold, st.lf)
        return cv, y

    if two_pages:
        pages = [R.fit_layout(rng, lambda r, k: page1(r, k, False)), R.fit_layout(rng, page2)]
    else:
        pages = [R.fit_layout(rng, lambda r, k: page1(r, k, True))]
    return dict(pages=pages, title=title, family="certificate", kind="land_use_right_certificate")


UNKNOWN_KINDS = [doc_marriage_application, doc_birth_application, doc_power_of_attorney, doc_ct01,
                 doc_household_book, doc_land_certificate, doc_marital_application, doc_request_letter]


def unknown_entry(d, pages):
    return {"document_type": "unknown", "variant": None, "pages": pages, "side": None,
            "family": d["family"], "title": nfc(" ".join(d["title"])), "kind": d["kind"], "fields": {}}


# ---------------------------------------------------------------------------
# 3. ID cards photocopied onto A4 sheets
# ---------------------------------------------------------------------------
SHEET_LAYOUTS = ["side_by_side", "stacked", "rotated", "photocopy_grey", "off_edge", "two_citizens"]
CARD_HEADER_TEXTS = {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SOCIALIST REPUBLIC OF VIET NAM",
                     "Independence - Freedom - Happiness", "CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card", "CĂN CƯỚC",
                     "IDENTITY CARD"}
CARD_BORDER = (160, 170, 175)
MM = 72 / 25.4


def card_side_canvas(F, X, fn, seed, border=True):
    cv = Canvas(CW, CH)
    R.draw_card_side(cv, fn, F, X, seed)
    if not border:
        cv.ops = [op for op in cv.ops if not (op[0] == "rect" and op[5] == CARD_BORDER)]
    return cv


def free_margins(cv):
    """Distance (card points) from each card edge to the nearest printed text
    other than the national header / card title."""
    m = dict(top=1e9, bottom=1e9, left=1e9, right=1e9)
    for op in cv.ops:
        if op[0] != "text" or op[3] in CARD_HEADER_TEXTS:
            continue
        _, x, y, s, font, size, _ = op
        w = measure(s, font, size)
        m["top"] = min(m["top"], y - size * 1.05)
        m["bottom"] = min(m["bottom"], CH - (y + size * 0.3))
        m["left"] = min(m["left"], x)
        m["right"] = min(m["right"], CW - (x + w))
    return m


def sheet_layout(rng, layout, sides, grey):
    """Returns (W, H, placements, sublayout).  sides: per card [front, back] canvases."""
    landscape = layout in ("side_by_side",) and rng.random() < 0.3
    W, H = (R.A4[1], R.A4[0]) if landscape else R.A4
    m = rng.uniform(28, 55)
    g = (lambda: rng.randint(1, 10 ** 6)) if grey else (lambda: False)
    P = []
    sub = layout

    def by_side(s_hi=1.5, y_hi=200):
        smax = (W - 2 * m - 12) / (2 * CW)
        s = rng.uniform(min(0.95, smax), min(smax, s_hi))
        room = W - 2 * m - 2 * CW * s
        gap = rng.uniform(8, min(60, room))
        x = m + rng.uniform(0, room - gap)
        y = m + rng.uniform(0, min(y_hi, H - 2 * m - CH * s))
        return [Placement(sides[0][0], x, y, s, 0, g(), 0, "front"),
                Placement(sides[0][1], x + CW * s + gap, y + rng.uniform(-8, 8) if y > m + 8 else y, s, 0, g(), 0, "back")]

    def stacked(rot_back=0, s_hi=1.5):
        s = rng.uniform(1.0, s_hi)
        gap = rng.uniform(15, 80)
        x = (W - CW * s) / 2 if rng.random() < 0.5 else m + rng.uniform(0, W - 2 * m - CW * s)
        y = m + rng.uniform(0, max(0.0, min(140, H - 2 * m - 2 * CH * s - gap)))
        return [Placement(sides[0][0], x, y, s, 0, g(), 0, "front"),
                Placement(sides[0][1], x + rng.uniform(-8, 8), y + CH * s + gap, s, rot_back, g(), 0, "back")]

    if layout in ("side_by_side",) or (layout in ("photocopy_grey", "off_edge") and rng.random() < 0.5):
        P = by_side()
        sub = layout if layout == "side_by_side" else layout + "_side_by_side"
    elif layout in ("stacked", "photocopy_grey", "off_edge"):
        P = stacked()
        sub = layout if layout == "stacked" else layout + "_stacked"
    elif layout == "rotated":
        mode = rng.choice(["back180", "both90", "mixed90", "sideways"])
        sub = "rotated_" + mode
        if mode == "back180":
            P = stacked(180)
        elif mode == "both90":
            rot = rng.choice([90, 270])
            s = rng.uniform(1.0, 1.4)
            gap = rng.uniform(15, 60)
            x = m + rng.uniform(0, W - 2 * m - 2 * CH * s - gap)
            y = m + rng.uniform(0, H - 2 * m - CW * s)
            P = [Placement(sides[0][0], x, y, s, rot, g(), 0, "front"),
                 Placement(sides[0][1], x + CH * s + gap, y, s, rot, g(), 0, "back")]
        elif mode == "mixed90":
            s = rng.uniform(1.0, 1.35)
            gap = rng.uniform(20, 60)
            x = m + rng.uniform(0, W - 2 * m - CW * s)
            y = m + rng.uniform(0, 60)
            P = [Placement(sides[0][0], x, y, s, 0, g(), 0, "front"),
                 Placement(sides[0][1], m + rng.uniform(0, W - 2 * m - CH * s), y + CH * s + gap, s,
                           rng.choice([90, 270]), g(), 0, "back")]
        else:
            rot = rng.choice([90, 270])
            s = rng.uniform(1.0, min(1.45, (H - 2 * m - 20) / (2 * CW)))
            gap = rng.uniform(10, max(12, H - 2 * m - 2 * CW * s))
            x = m + rng.uniform(0, W - 2 * m - CH * s)
            y = m + rng.uniform(0, max(0.0, H - 2 * m - 2 * CW * s - gap))
            P = [Placement(sides[0][0], x, y, s, rot, g(), 0, "front"),
                 Placement(sides[0][1], x, y + CW * s + gap, s, rot, g(), 0, "back")]
    elif layout == "two_citizens":
        mode = rng.choice(["rows", "cols", "fronts"])
        sub = "two_citizens_" + mode
        s = min(rng.uniform(0.95, 1.05), (W - 2 * m - 14) / (2 * CW))
        gap = rng.uniform(10, max(12, W - 2 * m - 2 * CW * s))
        x = m + rng.uniform(0, max(0.0, W - 2 * m - 2 * CW * s - gap))
        y = m + rng.uniform(0, 80)
        vgap = rng.uniform(25, 90)
        if mode == "rows":
            for c in range(2):
                yy = y + c * (CH * s + vgap)
                P += [Placement(sides[c][0], x, yy, s, 0, g(), c, "front"),
                      Placement(sides[c][1], x + CW * s + gap, yy, s, 0, g(), c, "back")]
        elif mode == "cols":
            for c in range(2):
                xx = x + c * (CW * s + gap)
                P += [Placement(sides[c][0], xx, y, s, 0, g(), c, "front"),
                      Placement(sides[c][1], xx, y + CH * s + vgap, s, 0, g(), c, "back")]
        else:
            xx = (W - CW * s) / 2
            P = [Placement(sides[c][0], xx, y + c * (CH * s + vgap), s, 0, g(), c, "front") for c in range(2)]
    return W, H, P, sub


def cut_off_edge(rng, P, W, H, sub):
    """Move one card side across a page edge by a few mm, never into printed
    field text.  Returns a description dict."""
    if "side_by_side" in sub:
        cands = [(0, "left"), (0, "top"), (1, "right"), (1, "top"), (0, "bottom"), (1, "bottom")]
    else:
        cands = [(0, "top"), (0, "left"), (0, "right"), (1, "left"), (1, "right"), (1, "bottom")]
    rng.shuffle(cands)
    best = None
    for i, e in cands:
        pl = P[i]
        free = free_margins(pl.cv)[e] * pl.s - 0.6
        cut = min(rng.uniform(2.0, 5.0) * MM, free)
        if best is None or cut > best[2]:
            best = (i, e, cut)
        if cut >= 1.5 * MM:
            best = (i, e, cut)
            break
    i, e, cut = best
    pl = P[i]
    w, h = pl.size_on_page()
    if e == "left":
        pl.x0 = -cut
    elif e == "right":
        pl.x0 = W - w + cut
    elif e == "top":
        pl.y0 = -cut
    else:
        pl.y0 = H - h + cut
    return {"placement": i, "edge": e, "mm": round(cut / MM, 2)}


def gen_id_sheet(rng, layout, variant, cond):
    cards = [R.gen_card(rng, variant)]
    if layout == "two_citizens":
        other = "can_cuoc_2024" if variant == "cccd_2021" else "cccd_2021"
        cards.append(R.gen_card(rng, variant if rng.random() < 0.5 else other))
    grey = layout == "photocopy_grey" or (cond != "digital_pdf" and rng.random() < 0.2)
    sides = []
    for F, X in cards:
        sides.append([card_side_canvas(F, X, fn, rng.getrandbits(32), border=not grey) for fn in R.card_sides(X)])
    W, H, P, sub = sheet_layout(rng, layout, sides, grey)
    cut = cut_off_edge(rng, P, W, H, sub) if layout == "off_edge" else None
    cv = Canvas(W, H)
    st = Style(rng)
    if rng.random() < 0.3:
        for pl in P:
            if pl.rot == 0 and pl.y0 > 14 and pl.x0 >= 0:
                cv.text(pl.x0, pl.y0 - 5, "Mặt trước" if pl.side == "front" else "Mặt sau", st.itf, 9)
    used = sorted({pl.doc for pl in P})
    docs = []
    for c in used:
        F, X = cards[c]
        sides_c = {pl.side for pl in P if pl.doc == c}
        docs.append({"document_type": "id_card", "variant": X["variant"], "pages": [1],
                     "side": "both" if len(sides_c) == 2 else sides_c.pop(), "fields": F})
    return Page(cv, P), docs, dict(layout="id_sheet_" + sub, grey=bool(grey), cut=cut)


def quad_entries(page, xf):
    out = []
    W, H = page.cv.w, page.cv.h
    for pl in page.placements:
        A = pl.affine()
        pts = Placement.corners_local() @ A[:, :2].T + A[:, 2]
        clipped = bool((pts[:, 0] < -0.01).any() or (pts[:, 1] < -0.01).any() or (pts[:, 0] > W + 0.01).any()
                       or (pts[:, 1] > H + 0.01).any())
        hp = np.hstack([pts, np.ones((4, 1))]) @ xf.T
        px = hp[:, :2] / hp[:, 2:3]
        ang = math.degrees(math.atan2(px[1, 1] - px[0, 1], px[1, 0] - px[0, 0]))
        out.append({"document": pl.doc, "side": pl.side, "page": 1,
                    "quad": [[round(float(x), 1), round(float(y), 1)] for x, y in px],
                    "rotation": pl.rot, "angle": round(ang, 1), "clipped": clipped})
    return out


# ---------------------------------------------------------------------------
# Mixed multi-page dossiers
# ---------------------------------------------------------------------------
KNOWN_KINDS = ["birth_certificate", "marriage_certificate", "residence_confirmation", "marital_status_confirmation",
               "id_card"]


def gen_mixed(rng, cond):
    known = rng.sample(KNOWN_KINDS, rng.choice([2, 2, 3]))
    unknown = rng.sample(UNKNOWN_KINDS, rng.choice([2, 2, 3]))
    marital = None
    if "marital_status_confirmation" in known:
        F, X = gen_marital(rng)
        marital = (F, X)
        if doc_marital_application not in unknown and rng.random() < 0.6:
            unknown[-1] = doc_marital_application  # the look-alike application for the same person
    comps = []
    for kind in known:
        if kind == "marital_status_confirmation":
            F, X = marital
            cv = layout_marital(rng, F, X, rng.random() < 0.5)
            comps.append(("known", [Page(cv)], {"document_type": kind, "variant": None, "side": None, "fields": F}))
        elif kind == "id_card":
            variant = rng.choice(["cccd_2021", "can_cuoc_2024"])
            F, X = R.gen_card(rng, variant)
            cv = R.layout_card_page(rng, F, X)
            comps.append(("known", [Page(cv)], {"document_type": kind, "variant": variant, "side": "both",
                                                "fields": F}))
        else:
            F, X = R.GENERATORS[kind][0](rng)
            cv = R.GENERATORS[kind][1](rng, F, X)
            comps.append(("known", [Page(cv)], {"document_type": kind, "variant": None, "side": None, "fields": F}))
    ucomps = []
    for fn in unknown:
        if fn is doc_marital_application and marital:
            X = marital[1]
            d = fn(rng, when=X["issue"] - timedelta(days=rng.randint(1, 5)), subject=X["subject"], C=X["C"])
        elif fn is doc_land_certificate:
            d = fn(rng, two_pages=rng.random() < 0.5)
        else:
            d = fn(rng)
        scanned = fn in (doc_household_book, doc_land_certificate)
        ucomps.append(("unknown", [Page(cv, embed_scan=scanned) for cv in d["pages"]], d))
    rng.shuffle(comps)
    rng.shuffle(ucomps)
    order = []
    first, second = (comps, ucomps) if rng.random() < 0.6 else (ucomps, comps)
    while first or second:
        if first:
            order.append(first.pop(0))
        if second:
            order.append(second.pop(0))
    return order


# ---------------------------------------------------------------------------
# Runners
# ---------------------------------------------------------------------------
def item_rng(kind, seed, i):
    rng = random.Random(f"{kind}:{seed}:{i}")
    return rng, np.random.default_rng(rng.getrandbits(32))


def run_marital(i, out_dir, seed):
    cond = CONDITIONS[i % 5]
    dotted = (i // 5) % 2 == 0
    rng, nr = item_rng("marital", seed, i)
    F, X = gen_marital(rng)
    cv = layout_marital(rng, F, X, dotted)
    stem = f"{i:04d}_marital_status_confirmation_{cond}"
    name, cap, _, _ = emit([Page(cv)], cond, rng, nr, out_dir, stem, "Giấy xác nhận tình trạng hôn nhân")
    cap["layout"] = "dotted_form" if dotted else "word_processed"
    doc = {"document_type": "marital_status_confirmation", "variant": None, "pages": [1], "side": None, "fields": F}
    write_truth(out_dir, stem, name, cond, [doc], cap)
    return name


def run_unknown(i, out_dir, seed):
    cond = CONDITIONS[i % 5]
    fn = UNKNOWN_KINDS[i % len(UNKNOWN_KINDS)]
    rng, nr = item_rng("unknown", seed, i)
    if fn is doc_land_certificate:
        d = fn(rng, two_pages=cond in ("digital_pdf", "image_pdf") and rng.random() < 0.6)
    else:
        d = fn(rng)
    stem = f"{i:04d}_unknown_{cond}"
    pages = [Page(cv) for cv in d["pages"]]
    name, cap, _, _ = emit(pages, cond, rng, nr, out_dir, stem, d["title"][0])
    write_truth(out_dir, stem, name, cond, [unknown_entry(d, list(range(1, len(pages) + 1)))], cap)
    return name


def run_mixed(i, out_dir, seed):
    cond = CONDITIONS[i % 5]
    rng, nr = item_rng("mixed", seed, i)
    order = gen_mixed(rng, cond)
    pages, spans = [], []
    for _kind, pgs, _info in order:
        spans.append(list(range(len(pages) + 1, len(pages) + len(pgs) + 1)))
        pages += pgs
    stem = f"{i:04d}_mixed_dossier_{cond}"
    name, cap, _, text_layer = emit(pages, cond, rng, nr, out_dir, stem, "Hồ sơ", dpi_choices=(150, 200, 200, 240),
                                    force_pdf=True)
    cap["layout"] = "mixed_dossier"
    docs = []
    for (kind, _pgs, info), span in zip(order, spans):
        if kind == "known":
            doc = {"document_type": info["document_type"], "variant": info["variant"], "pages": span,
                   "side": info["side"], "fields": info["fields"]}
        else:
            doc = unknown_entry(info, span)
        doc["text_layer"] = all(text_layer[p - 1] for p in span)
        docs.append(doc)
    write_truth(out_dir, stem, name, cond, docs, cap)
    return name


def run_id_sheet(i, out_dir, seed):
    cond = CONDITIONS[i % 5]
    layout = SHEET_LAYOUTS[i % len(SHEET_LAYOUTS)]
    variant = ["cccd_2021", "can_cuoc_2024"][(i // len(SHEET_LAYOUTS)) % 2]
    rng, nr = item_rng("id_sheet", seed, i)
    page, docs, info = gen_id_sheet(rng, layout, variant, cond)
    stem = f"{i:04d}_id_card_sheet_{cond}"
    name, cap, xfs, text_layer = emit([page], cond, rng, nr, out_dir, stem, "CCCD", dpi_choices=(300,),
                                      photo_crop=0.3)
    if cond == "digital_pdf" and info["grey"]:
        cap["text_layer"] = False  # the grey photocopies are embedded as images
    for d in docs:
        d["text_layer"] = cond == "digital_pdf" and not info["grey"]
    cap["layout"] = info["layout"]
    cap["grey_photocopy"] = info["grey"]
    if info["cut"]:
        cap["cut"] = info["cut"]
    if cond == "digital_pdf":
        cap["quad_dpi"] = QUAD_DPI_PDF
    cap["sides"] = quad_entries(page, xfs[0])
    write_truth(out_dir, stem, name, cond, docs, cap)
    return name


RUNNERS = {"marital": run_marital, "unknown": run_unknown, "mixed": run_mixed, "id_sheet": run_id_sheet}


def run(kind, out_dir, count, seed):
    os.makedirs(out_dir, exist_ok=True)
    kinds = list(RUNNERS) if kind == "all" else [kind]
    for k in kinds:
        sub = os.path.join(out_dir, k) if kind == "all" else out_dir
        os.makedirs(sub, exist_ok=True)
        for i in range(count):
            print(RUNNERS[k](i, sub, seed), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kind", required=True, choices=list(RUNNERS) + ["all"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    run(a.kind, a.out, a.count, a.seed)


if __name__ == "__main__":
    main()
