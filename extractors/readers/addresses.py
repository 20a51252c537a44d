"""Addresses resolved against Vietnam's administrative units (after 1 July 2025).

``resolve_address(text)`` keeps the text as printed and adds the current province
and ward (official names, "Thành phố Hà Nội", "Phường Ba Đình"), handling

* two-level addresses (ward, province) and old three-level ones (ward, district,
  province), mapping former provinces, districts and wards to the current ones
  through ``extractors/data/admin_units.json``;
* abbreviations (P., Q., TP., TP, Tp., X., H., T., TX., TT.), lost diacritics and OCR
  damage (folding, then rapidfuzz within the province only, and only for parts that
  carry a unit word: "đường Láng" is a street, not a damaged ward name);
* wards merged into others between 2019 and 2025 ("Phường 15, Quận Bình Thạnh");
* addresses whose commas OCR lost (split again at the unit words).

Indexes are built once, on first use (~0.3 s); a look-up then takes well under 5 ms.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from pipeline.text import clean_value, fold, nfc

DATA = Path(__file__).resolve().parent.parent / "data" / "admin_units.json"
FUZZY_CUTOFF = 85.0
ALIAS_SCORE = 0.95  # a ward's pre-2025 merged name: right, but say it was not its own name

# Unit words (folded) at the start of a part, and what level they name.
_WARD_TYPES = {"phuong": "phuong", "xa": "xa", "thi tran": "thi tran", "dac khu": "dac khu",
               "p": "phuong", "x": "xa", "tt": "thi tran"}
_DISTRICT_TYPES = {"quan": "quan", "huyen": "huyen", "thi xa": "thi xa", "thanh pho": "thanh pho",
                   "q": "quan", "h": "huyen", "tx": "thi xa", "tp": "thanh pho"}
_PROVINCE_TYPES = {"tinh": "tinh", "thanh pho": "thanh pho", "t": "tinh", "tp": "thanh pho"}
# Long forms need a space after them; abbreviations a dot, a space or a digit ("Q1").
_PREFIX = re.compile(
    r"^(?:(phuong|xa|thi tran|dac khu|quan|huyen|thi xa|thanh pho|tinh)\s+"
    r"|(p|x|tt|q|h|tx|tp|t)(?:\s*\.\s*|\s+(?=\w)|(?=\d)))")
# Where to split an address that lost its commas (on the printed, not folded, text).
_UNIT_WORDS = re.compile(
    r"(?<!Thị)(?<!THỊ)\s(?=(?:Phường|Xã|Thị trấn|Đặc khu|Quận|Huyện|Thị xã|Thành phố|Tỉnh|TP\.?|Tp\.|"
    r"P\.|Q\.|X\.|H\.|TX\.|TT\.|T\.)\s*\S)")
_COUNTRY = {"viet nam", "vietnam", "vn"}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str  # official, e.g. "Phường Ba Đình"
    kind: str  # folded type word: phuong, xa, thi tran, dac khu, quan, huyen, ...
    short: str  # folded name without the type word: "ba dinh", "1"
    province: str  # code of the (current or former) province it belongs to
    current: tuple[str, ...] = ()  # former wards: current ward codes, default first


@dataclass
class _Scope:
    """Units searchable by folded short name ("ba dinh"), exactly or fuzzily."""

    by_short: dict[str, list[Unit]] = field(default_factory=dict)
    by_alias: dict[str, list[Unit]] = field(default_factory=dict)  # "phuong15": merged names

    def add(self, unit: Unit, aliases: list[str] = ()) -> None:  # type: ignore[assignment]
        self.by_short.setdefault(unit.short, []).append(unit)
        for alias in aliases:
            self.by_alias.setdefault(alias, []).append(unit)

    def find(self, kind: str | None, short: str, printed: str = "") -> tuple[list[Unit], float]:
        """Units named ``short`` (of type ``kind`` when given), exact or fuzzy; among
        names that fold alike ("Văn Lăng", "Văn Lang") the one spelled as ``printed``
        (the part's lower-case words) comes first."""
        if not short:
            return [], 0.0
        exact = self.by_short.get(short, [])
        if len(exact) > 1:
            # the exact spelling first; then the named type ("Huyện Cai Lậy") before the
            # same name of another type ("Thị xã Cai Lậy"): documents confuse them
            exact = sorted(exact, key=lambda u: (not printed.endswith(_spelling(u)),
                                                 bool(kind) and u.kind != kind))
        if exact:
            return exact, 1.0
        if self.by_alias:  # a ward merged into another before 2025 ("Phường 15" → "Phường 2")
            compact = short.replace(" ", "")
            for word in ([kind] if kind else ["phuong", "xa", "thi tran"]):
                merged = self.by_alias.get(word.replace(" ", "") + compact)
                if merged:
                    return merged, ALIAS_SCORE
        if not kind or short.isdigit() or len(short) < 4:
            # fuzzy only for a part with a unit word: "đường Láng" must not become a ward,
            # nor "Phường 3" "Phường 8"
            return [], 0.0
        hit = process.extractOne(short, self.by_short.keys(), scorer=fuzz.ratio,
                                 score_cutoff=FUZZY_CUTOFF)
        if not hit:
            return [], 0.0
        units = self.by_short[hit[0]]
        if kind:
            units = [u for u in units if u.kind == kind] + [u for u in units if u.kind != kind]
        return units, hit[1] / 100.0


@dataclass
class _Index:
    provinces: dict[str, dict]  # current code -> entry
    former_provinces: dict[str, dict]  # former code -> entry
    province_names: dict[str, list[tuple[str, bool]]]  # folded short -> [(code, is_current)]
    current_wards: dict[str, Unit]  # current ward code -> unit
    wards_in: dict[str, _Scope]  # current province code -> its current wards
    former_wards_in: dict[str, _Scope]  # former province code -> all its former wards
    districts_in: dict[str, _Scope]  # former province code -> its districts
    former_wards_of_district: dict[tuple[str, str], _Scope]  # (former prov, district code)
    former_into_current: dict[str, list[str]]  # current province -> former provinces


@dataclass(frozen=True)
class AddressReading:
    text: str  # as printed, NFC, single spaces
    province: str | None = None  # current official name
    ward: str | None = None  # current official name
    province_code: str | None = None
    ward_code: str | None = None
    former_province: str | None = None  # when the text named a pre-2025 province
    former_district: str | None = None
    former_ward: str | None = None
    ward_candidates: tuple[str, ...] = ()  # a former ward split into several current ones
    score: float = 0.0  # 0..1, how well the names matched (1 = exact after folding)


def _spelling(unit: Unit) -> str:
    """The unit's name in lower case without its type word: "văn lăng"."""
    words = _words(unit.name)
    return " ".join(words[len(words) - len(unit.short.split()):])


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", nfc(text).lower()).split()


def _key(text: str) -> str:
    """Folded, punctuation dropped, numbers without leading zeros."""
    text = re.sub(r"[^\w\s]", " ", fold(text))
    return " ".join(str(int(t)) if t.isdigit() else t for t in text.split())


def _split_name(name: str) -> tuple[str, str]:
    """Official name → (folded type word, folded short name)."""
    key = _key(name)
    for kind in ("thi tran", "dac khu", "thi xa", "thanh pho", "phuong", "xa", "quan", "huyen",
                 "tinh"):
        if key.startswith(kind + " "):
            return kind, key[len(kind) + 1:]
    return "", key


@lru_cache(maxsize=1)
def _index() -> _Index:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    provinces = {p["code"]: p for p in data["provinces"]}
    former = {p["code"]: p for p in data["former_provinces"]}
    names: dict[str, list[tuple[str, bool]]] = {}

    def add_name(text: str, code: str, is_current: bool) -> None:
        entry = names.setdefault(_split_name(text)[1], [])
        if (code, is_current) not in entry:
            entry.append((code, is_current))

    for code, p in provinces.items():
        for text in (p["name"], p["short_name"], *p.get("aliases", [])):
            add_name(text, code, True)
    for code, p in former.items():
        for text in (p["name"], p["short_name"], *p.get("aliases", [])):
            add_name(text, code, False)

    current_wards: dict[str, Unit] = {}
    wards_in: dict[str, _Scope] = {}
    for code, p in provinces.items():
        scope = wards_in.setdefault(code, _Scope())
        for w in p["wards"]:
            kind, short = _split_name(w["name"])
            unit = Unit(w["code"], w["name"], kind, short, code)
            current_wards[w["code"]] = unit
            scope.add(unit)

    former_wards_in: dict[str, _Scope] = {}
    districts_in: dict[str, _Scope] = {}
    of_district: dict[tuple[str, str], _Scope] = {}
    into: dict[str, list[str]] = {}
    for code, p in former.items():
        into.setdefault(p["current"], []).append(code)
        all_wards = former_wards_in.setdefault(code, _Scope())
        districts = districts_in.setdefault(code, _Scope())
        for d in p["districts"]:
            kind, short = _split_name(d["name"])
            districts.add(Unit(d["code"], d["name"], kind, short, code, tuple(d.get("current", ()))))
            scope = of_district.setdefault((code, d["code"]), _Scope())
            for w in d["wards"]:
                kind, short = _split_name(w["name"])
                unit = Unit(w["code"], w["name"], kind, short, code, tuple(w["current"]))
                scope.add(unit, w.get("aliases", []))
                all_wards.add(unit, w.get("aliases", []))
    return _Index(provinces, former, names, current_wards, wards_in, former_wards_in,
                  districts_in, of_district, into)


@lru_cache(maxsize=1)
def province_names() -> frozenset[str]:
    """Every province's names, current and former, folded: "thanh pho ho chi minh", "tinh ha tay", "thua thien hue"."""
    return frozenset(province_spellings())


@lru_cache(maxsize=1)
def province_spellings() -> dict[str, str]:
    """Every province's names, current and former, as spelled, by folded form: "tinh thua thien hue" → "Tỉnh Thừa
    Thiên Huế"."""
    index = _index()
    return {fold(name): name for entry in (*index.provinces.values(), *index.former_provinces.values())
            for name in (entry["name"], entry["short_name"], *(entry.get("aliases") or []))}


@lru_cache(maxsize=1)
def province_short_names() -> frozenset[str]:
    """Every province's name without its type word, current and former, as spelled: "Hải Phòng", "Hà Tây"."""
    index = _index()
    return frozenset(entry["short_name"] for entry in (*index.provinces.values(), *index.former_provinces.values()))


def warm_up() -> None:
    """Build the indexes now (they are otherwise built on first use)."""
    _index()


@dataclass(frozen=True)
class _Part:
    text: str
    printed: str  # lower case, punctuation dropped: "văn lăng" tells "Văn Lang" apart
    level: str | None  # "ward", "district", "province" from its type word, else None
    kind: str | None  # folded type word (abbreviations expanded)
    short: str  # folded name without the type word


def _parse_part(text: str) -> _Part:
    folded = fold(text)
    m = _PREFIX.match(folded)
    printed = " ".join(_words(text))
    if not m:
        return _Part(text, printed, None, None, _key(folded))
    word = m.group(1) or m.group(2)
    short = _key(folded[m.end():])
    if word in ("thanh pho", "tp"):
        return _Part(text, printed, "city", "thanh pho", short)  # province or district-level city
    if word in _WARD_TYPES:
        return _Part(text, printed, "ward", _WARD_TYPES[word], short)
    if word in _DISTRICT_TYPES:
        return _Part(text, printed, "district", _DISTRICT_TYPES[word], short)
    if word in _PROVINCE_TYPES:
        return _Part(text, printed, "province", _PROVINCE_TYPES[word], short)
    return _Part(text, printed, None, None, short)


def _split(text: str) -> list[str]:
    parts = [p.strip(" .-") for p in re.split(r"[,;\n]", text)]
    out: list[str] = []
    for part in parts:
        # a part holding several units because OCR lost the commas
        out.extend(s.strip(" .-") for s in _UNIT_WORDS.split(" " + part))
    return [p for p in out if p]


def _province_of(part: _Part) -> tuple[list[tuple[str, bool]], float]:
    """(code, is_current) candidates for a part naming a province."""
    idx = _index()
    if part.level not in (None, "province", "city") or not part.short:
        return [], 0.0
    if part.short in idx.province_names:
        return idx.province_names[part.short], 1.0
    if len(part.short) < 4:
        return [], 0.0
    hit = process.extractOne(part.short, idx.province_names.keys(), scorer=fuzz.ratio,
                             score_cutoff=FUZZY_CUTOFF)
    if not hit:
        return [], 0.0
    return idx.province_names[hit[0]], hit[1] / 100.0


def _current_of(unit: Unit) -> list[Unit]:
    idx = _index()
    return [idx.current_wards[c] for c in unit.current if c in idx.current_wards]


@dataclass
class _Resolution:
    province_code: str
    wards: list[Unit]  # current wards, best first
    score: float
    former_province: str | None = None
    former_district: str | None = None
    former_ward: str | None = None
    ambiguous: bool = False  # several current wards fit: report them, choose none


def _resolve_below(parts: list[_Part], code: str, is_current: bool) -> _Resolution:
    """The ward (and district) named before a province part."""
    idx = _index()
    current_code = code if is_current else idx.former_provinces[code]["current"]
    former_codes = [code] if not is_current else idx.former_into_current.get(code, [])
    former_name = None if is_current else idx.former_provinces[code]["name"]
    empty = _Resolution(current_code, [], 0.0, former_province=former_name)
    if not parts:
        return empty
    last = parts[-1]

    # Three levels: ward, district, province (districts existed until 2025-07-01).
    if last.level in ("district", "city", None) and len(parts) >= 2:
        for fcode in former_codes:
            districts, dscore = idx.districts_in[fcode].find(
                last.kind if last.level in ("district", "city") else None, last.short, last.printed)
            for district in districts:
                ward_part = parts[-2]
                if ward_part.level not in ("ward", None):
                    continue
                scope = idx.former_wards_of_district[(fcode, district.code)]
                wards, wscore = scope.find(ward_part.kind, ward_part.short, ward_part.printed)
                if wards:
                    return _Resolution(current_code, _current_of(wards[0]), min(dscore, wscore),
                                       idx.former_provinces[fcode]["name"], district.name,
                                       wards[0].name)
    # A district named: an island district became a special zone of the same name;
    # otherwise (a district the data does not know, such as "Thành phố Huế" before its
    # 2025 split) read the part before it as a ward of the province.
    if last.level in ("district", "city"):
        if last.level == "district":
            for fcode in former_codes:
                districts, dscore = idx.districts_in[fcode].find(last.kind, last.short, last.printed)
                if districts and districts[0].current:
                    zones = [idx.current_wards[c] for c in districts[0].current]
                    return _Resolution(current_code, zones, dscore,
                                       idx.former_provinces[fcode]["name"], districts[0].name)
        if len(parts) < 2 or parts[-2].level not in ("ward", None):
            return empty
        last = parts[-2]
    found = _two_level(last, current_code, is_current, former_codes, former_name)
    if found is None and last.level is None and len(parts) >= 2:
        # "Phú Hội, Huế, Thừa Thiên Huế": the last part was a district the data lacks
        # (Huế city before its 2025 split); take the part before it if it is a ward exactly
        found = _two_level(parts[-2], current_code, is_current, former_codes, former_name)
        if found is not None and found.score < 1.0:
            found = None
    return found or empty


def _two_level(part: _Part, current_code: str, is_current: bool, former_codes: list[str],
               former_name: str | None) -> _Resolution | None:
    """A ward named with its province only: an exact current name first, then the
    former wards of that province (mapped to the current ones), then a fuzzy current
    name (only when the province was named by its current name)."""
    if part.level not in ("ward", None):
        return None
    idx = _index()
    wards, score = idx.wards_in[current_code].find(part.kind, part.short, part.printed)
    if wards and is_current and score >= 1.0:
        return _Resolution(current_code, wards[:1], score, former_name)
    for fcode in former_codes:
        olds, oscore = idx.former_wards_in[fcode].find(part.kind, part.short, part.printed)
        if not olds:
            continue
        targets = list(dict.fromkeys(c for o in olds for c in o.current[:1]))
        if wards and is_current and score > oscore:
            break  # the current name fits better
        if len(targets) == 1:  # same-named former wards (other districts) must agree
            return _Resolution(current_code, _current_of(olds[0]), oscore,
                               idx.former_provinces[fcode]["name"], None, olds[0].name)
        if not is_current:  # the district would have told which: say so, guess nothing
            return _Resolution(current_code, [idx.current_wards[c] for c in targets], oscore,
                               idx.former_provinces[fcode]["name"], None, olds[0].name,
                               ambiguous=True)
    if wards and (is_current or score >= 1.0):  # fuzzy current names only after former
        return _Resolution(current_code, wards[:1], score, former_name)
    return None


def _rank(res: _Resolution) -> tuple[bool, bool, float]:
    return bool(res.wards) and not res.ambiguous, bool(res.wards), res.score


def resolve_address(text: str | None) -> AddressReading:
    """The address as printed plus its current province and ward (None where they
    cannot be resolved)."""
    printed = clean_value(text or "")
    if not printed:
        return AddressReading(text=printed)
    parts = [_parse_part(p) for p in _split(nfc(printed))]
    while parts and parts[-1].short in _COUNTRY:
        parts.pop()
    idx = _index()
    # The province is the last part that names one (a trailing "Việt Nam" aside).
    for pos in range(len(parts) - 1, -1, -1):
        candidates, pscore = _province_of(parts[pos])
        if not candidates:
            continue
        best: _Resolution | None = None
        # try the current reading of a name first, then former ones ("Hà Nội" is both)
        for code, is_current in sorted(candidates, key=lambda c: not c[1]):
            res = _resolve_below(parts[:pos], code, is_current)
            if best is None or _rank(res) > _rank(best):
                best = res
        assert best is not None
        province = idx.provinces[best.province_code]
        ward = best.wards[0] if best.wards and not best.ambiguous else None
        return AddressReading(
            text=printed, province=province["name"], province_code=province["code"],
            ward=ward.name if ward else None, ward_code=ward.code if ward else None,
            former_province=best.former_province, former_district=best.former_district,
            former_ward=best.former_ward,
            ward_candidates=tuple(w.name for w in best.wards),
            score=round(min(pscore, best.score) if ward else pscore * 0.5, 3),
        )
    return AddressReading(text=printed)
