"""Build ``admin_units.json``: Vietnam's administrative units after 1 July 2025,
with the former (pre-2025) provinces, districts and wards mapped to current ones.

Source: the PyPI package ``vietnamadminunits`` (MIT licence, © 2025 Tran Ngoc Minh
Hieu), whose data come from the General Statistics Office lists and the 2025
reorganisation resolutions. Only this build script needs the package; the
pipeline reads the JSON we write. Rebuild with::

    .venv/bin/pip install vietnamadminunits
    .venv/bin/python extractors/data/build_admin_units.py

Layout of the output (NFC everywhere)::

    {"source": ..., "licence": ..., "effective": "2025-07-01",
     "provinces": [{"code": "01", "name": "Thành phố Hà Nội", "short_name": "Hà Nội",
                    "wards": [{"code": "00004", "name": "Phường Ba Đình"}, ...]}, ...],
     "former_provinces": [{"code": "02", "name": "Tỉnh Hà Giang", "short_name": "Hà Giang",
                           "current": "08",
                           "districts": [{"code": "024", "name": "Thành phố Hà Giang",
                                          "wards": [{"code": "00688", "name": "Phường Quang Trung",
                                                     "current": ["00691"]}, ...]}]}]}

``current`` of a former province is the code of the province it merged into; of a
former ward, the codes of the current wards it went into, the default (largest
share) first. ``aliases`` of a former ward: folded, space-less names (with the type
word) of wards merged into it between 2019 and mid-2025, so that older documents
still resolve ("phuong15" on Phường 2, Quận Bình Thạnh). Codes of current and former
units are GSO codes; current ward codes are unique across the country. The 63 former province codes (01-96) are also the
first digits (0 + code) of the 12-digit personal id number's birth-registration code.
"""

from __future__ import annotations

import json
import re
import unicodedata
from importlib import resources
from pathlib import Path

OUT = Path(__file__).with_name("admin_units.json")
ID_CODES_OUT = Path(__file__).with_name("id_province_codes.json")

# Names still printed on documents but absent from the source's keyword lists.
FORMER_PROVINCE_ALIASES = {"46": ["Thừa Thiên Huế", "Tỉnh Thừa Thiên Huế"]}
PROVINCE_ALIASES = {"79": ["TP HCM", "TPHCM", "HCM", "Sài Gòn"], "01": ["HN"]}


def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _load(name: str) -> dict:
    return json.loads(resources.files("vietnamadminunits").joinpath("data", name).read_text("utf-8"))


def _wards_of(parser: dict, no_accent_key: str, accent_key: str, *path: str) -> dict[str, dict]:
    """Ward entries under a province (and district), from both the plain and the
    accent-disambiguated tables of vietnamadminunits."""
    merged: dict[str, dict] = {}
    for table in (parser[no_accent_key], parser.get(accent_key, {})):
        node = table
        for key in path:
            node = node.get(key, {})
        merged.update(node)
    return merged


_TYPED = re.compile(r"^(phuong|xa|thitran)(.+)$")


def _merged_names(ward: dict) -> list[str]:
    """Names of wards merged into this one before 2025 (e.g. Phường 15 into Phường 2 of
    Bình Thạnh in 2025-01), from the source's search keywords: folded, no spaces, with
    the type word ("phuong15", "phuongquyetthang"); spelling variants (y/i) left out."""
    own = _compact(ward["ward"])
    names = []
    for keyword in ward.get("wardKeywords", []):
        m = _TYPED.match(keyword)
        if not m or keyword == own or not m.group(2).isascii():
            continue
        rest = m.group(2).lstrip("0") or "0"
        if rest.isdigit():
            keyword = m.group(1) + rest
        if keyword == own or keyword.replace("y", "i") == own.replace("y", "i") or keyword in names:
            continue
        names.append(keyword)
    return names


def _compact(name: str) -> str:
    text = unicodedata.normalize("NFD", name.lower()).replace("đ", "d")
    text = "".join(ch for ch in text if ch.isascii() and ch.isalnum())
    return re.sub(r"(?<=[a-z])0+(?=\d)", "", text)


def build() -> dict:
    new = _load("parser_from_2025.json")
    old = _load("parser_legacy.json")
    conv = _load("converter_2025.json")

    provinces = []
    new_ward_code: dict[tuple[str, str], str] = {}  # (new province key, new ward key) -> code
    for pkey, prov in new["DICT_PROVINCE"].items():
        wards = _wards_of(new, "DICT_PROVINCE_WARD_NO_ACCENTED", "DICT_PROVINCE_WARD_ACCENTED", pkey)
        rows = []
        for wkey, ward in wards.items():
            new_ward_code[(pkey, wkey)] = ward["wardCode"]
            rows.append({"code": ward["wardCode"], "name": _nfc(ward["ward"])})
        rows.sort(key=lambda r: r["code"])
        provinces.append({
            "code": prov["provinceCode"], "name": _nfc(prov["province"]),
            "short_name": _nfc(prov["provinceShort"]), "wards": rows,
        })
        if prov["provinceCode"] in PROVINCE_ALIASES:
            provinces[-1]["aliases"] = PROVINCE_ALIASES[prov["provinceCode"]]
    provinces.sort(key=lambda p: p["code"])
    zone_names = {w["code"]: w["name"] for p in provinces for w in p["wards"] if w["name"].startswith("Đặc khu")}
    new_code_of = {k: p["provinceCode"] for k, p in new["DICT_PROVINCE"].items()}

    # former province key -> current province key
    old_to_new_province = {o: n for n, olds in conv["DICT_PROVINCE"].items() for o in olds}

    # former ward full key "prov_district_ward" -> current ward codes, default first
    old_ward_to_new: dict[str, list[str]] = {}
    for npkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for nwkey, old_keys in wards.items():
            for okey in old_keys:
                old_ward_to_new.setdefault(okey, []).append(new_ward_code[(npkey, nwkey)])
    for npkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for okey, targets in olds.items():
            ordered = sorted(targets, key=lambda t: not t["isDefaultNewWard"])
            codes = [new_ward_code[(npkey, t["newWardKey"])] for t in ordered]
            old_ward_to_new[okey] = codes + [c for c in old_ward_to_new.get(okey, []) if c not in codes]

    former = []
    unmapped = 0
    for pkey, prov in old["DICT_PROVINCE"].items():
        districts = []
        for dkey, dist in old["DICT_PROVINCE_DISTRICT"][pkey].items():
            wards = _wards_of(old, "DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED",
                              "DICT_PROVINCE_DISTRICT_WARD_ACCENTED", pkey, dkey)
            rows = []
            for wkey, ward in wards.items():
                if not isinstance(ward["ward"], str):  # island districts have no wards (NaN rows)
                    continue
                current = old_ward_to_new.get(f"{pkey}_{dkey}_{wkey}", [])
                unmapped += not current
                row = {"code": ward["wardCode"], "name": _nfc(ward["ward"]), "current": current}
                aliases = _merged_names(ward)
                if aliases:
                    row["aliases"] = aliases
                rows.append(row)
            rows.sort(key=lambda r: r["code"])
            row = {"code": dist["districtCode"], "name": _nfc(dist["district"]), "wards": rows}
            if not rows:  # island districts became special zones (đặc khu) of the same name
                npkey = old_to_new_province[pkey]
                row["current"] = [code for (nk, _), code in new_ward_code.items()
                                  if nk == npkey and _nfc(dist["districtShort"]) in zone_names.get(code, "")]
            districts.append(row)
        districts.sort(key=lambda d: d["code"])
        former.append({
            "code": prov["provinceCode"], "name": _nfc(prov["province"]),
            "short_name": _nfc(prov["provinceShort"]),
            "current": new_code_of[old_to_new_province[pkey]], "districts": districts,
        })
        if prov["provinceCode"] in FORMER_PROVINCE_ALIASES:
            former[-1]["aliases"] = FORMER_PROVINCE_ALIASES[prov["provinceCode"]]
    former.sort(key=lambda p: p["code"])
    if unmapped:
        print(f"warning: {unmapped} former wards without a current ward")

    return {
        "source": "vietnamadminunits (PyPI) data: GSO administrative unit lists and the "
                  "2025 reorganisation (effective 2025-07-01)",
        "licence": "MIT, Copyright (c) 2025 Tran Ngoc Minh Hieu (vietnamadminunits)",
        "effective": "2025-07-01",
        "provinces": provinces,
        "former_provinces": former,
    }


def id_province_codes(data: dict) -> dict:
    """The birth-registration codes of the personal id number: 0 + the 63 former GSO
    province codes (Thông tư 07/2016/TT-BCA), with the province each one is in now."""
    current = {p["code"]: p["name"] for p in data["provinces"]}
    codes = {}
    for prov in data["former_provinces"]:
        name = prov.get("aliases", [prov["short_name"]])[0]  # the name in force when codes were set
        codes["0" + prov["code"]] = {"name": name, "current_province": current[prov["current"]]}
    return {"source": "Thông tư 07/2016/TT-BCA (codes = GSO province codes before 2025-07-01)",
            "codes": codes}


def main() -> None:
    data = build()
    ID_CODES_OUT.write_text(json.dumps(id_province_codes(data), ensure_ascii=False, indent=0),
                            encoding="utf-8")
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    n_wards = sum(len(p["wards"]) for p in data["provinces"])
    n_old = sum(len(d["wards"]) for p in data["former_provinces"] for d in p["districts"])
    print(f"{OUT.name}: {len(data['provinces'])} provinces, {n_wards} wards; "
          f"{len(data['former_provinces'])} former provinces, {n_old} former wards; "
          f"{OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
