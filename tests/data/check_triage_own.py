"""Validate tests/data/triage-own.jsonl against the triage contract and print its statistics.

Run:  .venv/bin/python tests/data/check_triage_own.py [path]     (exit code 1 on any error)
      MPDESK_TRIAGE_DEV=path/to/triage-dev.jsonl also checks for near-copies of the dev set.

Checks: valid JSON; unique sequential ids; allowed labels; entity value formats (EAN-13 check
digits via python-stdnum when available); each entity traceable in the text; every long number in
the text is either an entity or explained in "notes"; money mentions vs amount entities;
event_date <= received_at;
`missing` consistent with entities / event_date / attachments; marketplace label consistent with the
signs in the text; no duplicate texts; no near-copies of the public dev set; per-category counts.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

try:
    from stdnum import ean as _ean

    def ean_ok(code: str) -> bool:
        return bool(_ean.is_valid(code))
except ImportError:  # pragma: no cover - fallback without python-stdnum

    def ean_ok(code: str) -> bool:
        if not re.fullmatch(r"\d{13}", code):
            return False
        s = sum(int(ch) * (3 if i % 2 else 1) for i, ch in enumerate(code[:12]))
        return (10 - s % 10) % 10 == int(code[12])


HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "triage-own.jsonl"
#: the public dev set, to check that no case is a near-copy of one of its texts (optional)
DEV = Path(os.environ.get("MPDESK_TRIAGE_DEV", "triage-dev.jsonl"))

CATEGORIES = {"acceptance", "logistics", "listing", "inventory", "compliance", "finance", "other"}
MARKETPLACES = {"wb", "ozon", None}
ENTITY_TYPES = {"supply_id", "order_id", "sku", "vendor_code", "barcode", "ticket_id", "amount"}
ID_TYPES = {"supply_id", "order_id", "sku", "vendor_code", "barcode"}
MISSING_ORDER = ["identifier", "date", "description", "evidence"]
MIN_PER_CATEGORY = 45

VALUE_RE = {
    "supply_id": re.compile(r"^(\d+|WB-GI-\d+)$"),
    "order_id": re.compile(r"^\d+(-\d+)*$"),
    "sku": re.compile(r"^\d+$"),
    "barcode": re.compile(r"^\d+$"),
    "ticket_id": re.compile(r"^[0-9A-Za-z-]+$"),
    "amount": re.compile(r"^\d+\.\d{2}$"),
}

# marketplace signs (names incl. slang and Latin/Cyrillic look-alikes, implicit signs)
LAT2CYR = str.maketrans("aeopcxyk", "аеорсхук")
CYR2LAT = str.maketrans("аеорсхук", "aeopcxyk")
WB_CYR = re.compile(
    r"(?<![а-яё])вб(?![а-яё])|вайлд|валдб|валбер|вилдб|партн[её]ры|сервис ?деск|"
    r"коледино|электростал|подольск|шушары|белая дача|невинномысск|котовск|белые столбы"
)
WB_LAT = re.compile(r"\bwb\b|wildberr|\bnm_?id\b|service ?desk")
OZ_CYR = re.compile(
    r"озон|оззон|постинг|хоругвино|гривно|софьино|пушкино|жуковский|петровское|адыгейск|ногинск"
)
OZ_LAT = re.compile(r"ozon|offer_id|(?<![\d-])\d{8,10}-\d{4}(?:-\d{1,2})?(?![\d-])")

NAME_RE = re.compile(
    r"(?<![а-яё])вб(?![а-яё])|\bwb\b(?!-gi)|вайлд|валдб|валбер|вилдб|wildberr|озон|оззон|ozon"
)
MONEY_RE = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:,(\d{2}))?\s?"
    r"(тыс\.?\s?(?:руб\.?|р\.?|₽|рублей)?|тысяч\s?рублей|тыщ|руб\.?|рублей|р\.?(?![а-яё])|₽)",
    re.IGNORECASE,
)


PHONE_RE = re.compile(r"\+7[\s(]*\d{3}[\s)]*\d{3}[-\s]?\d{2}[-\s]?\d{2}")


def detect_marketplaces(text: str) -> set[str]:
    low = text.lower()
    cyr, lat = low.translate(LAT2CYR), low.translate(CYR2LAT)
    found = set()
    if WB_CYR.search(cyr) or WB_LAT.search(lat):
        found.add("wb")
    if OZ_CYR.search(cyr) or OZ_LAT.search(lat):
        found.add("ozon")
    return found


def money_in_text(text: str) -> set[str]:
    out = set()
    for m in MONEY_RE.finditer(text):
        num = Decimal(re.sub(r"[ \u00a0]", "", m.group(1)))
        if m.group(2):
            num += Decimal(m.group(2)) / 100
        unit = m.group(3).lower()
        if unit.startswith(("тыс", "тыщ")):
            num *= 1000
        out.add(f"{num:.2f}")
    return out


def entity_traceable(text: str, typ: str, value: str) -> bool:
    squeezed = re.sub(r"(?<=\d)[ \u00a0](?=\d)", "", text)
    if typ == "amount":
        ip = value.split(".")[0]
        digits = re.sub(r"\D", "", text)
        if ip in digits:
            return True
        return value in money_in_text(text)
    if typ == "supply_id":
        return value in re.sub(r"[\s№]", "", text).upper()
    if typ in ("sku", "barcode"):
        return re.search(rf"(?<!\d){value}(?!\d)", squeezed) is not None
    if typ in ("order_id", "ticket_id"):
        return value in re.sub(r"[\s№]", "", text)
    return value in text


def shingles(text: str, n: int = 5) -> set[str]:
    t = re.sub(r"\s+", " ", text.lower())
    return {t[i : i + n] for i in range(max(0, len(t) - n + 1))}


def main(path: Path) -> int:
    errors: list[str] = []
    warnings: list[str] = []

    def err(cid: str, msg: str) -> None:
        errors.append(f"{cid}: {msg}")

    rows = []
    for ln, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            errors.append(f"line {ln}: invalid JSON ({e})")
    stats: dict[str, Counter] = {
        k: Counter()
        for k in (
            "category",
            "marketplace",
            "entity",
            "missing",
            "register",
            "misc",
            "cat_mp",
            "date_kind",
        )
    }
    ids, texts = set(), {}
    for i, row in enumerate(rows, 1):
        cid = row.get("id", f"line {i}")
        if cid != f"own-{i:03d}":
            err(cid, f"id should be own-{i:03d}")
        if cid in ids:
            err(cid, "duplicate id")
        ids.add(cid)
        extra = set(row) - {
            "id",
            "text",
            "received_at",
            "attachments",
            "marketplace",
            "gold",
            "notes",
        }
        if extra:
            err(cid, f"unknown keys {extra}")
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            err(cid, "empty text")
            continue
        if text in texts:
            err(cid, f"duplicate text of {texts[text]}")
        texts[text] = cid
        notes = row.get("notes", "")
        try:
            rec = date.fromisoformat(row["received_at"])
            if rec.year != 2026:
                err(cid, "received_at not in 2026")
        except (KeyError, ValueError):
            err(cid, "bad received_at")
            continue
        att = row.get("attachments")
        if att is not None and not (
            isinstance(att, list) and all(isinstance(a, str) and a for a in att)
        ):
            err(cid, "attachments must be a list of file names")
        if "attachments" not in row:
            stats["misc"]["attachments field absent"] += 1
        hint = row.get("marketplace")
        gold = row.get("gold", {})
        if set(gold) != {"marketplace", "category", "entities", "event_date", "missing"}:
            err(cid, f"gold keys {sorted(gold)}")
            continue
        mp, cat = gold["marketplace"], gold["category"]
        if mp not in MARKETPLACES:
            err(cid, f"bad marketplace {mp!r}")
        if cat not in CATEGORIES:
            err(cid, f"bad category {cat!r}")
        if "marketplace" in row:
            stats["misc"]["marketplace hint"] += 1
            if hint not in ("wb", "ozon") or hint != mp:
                err(cid, "hint must be wb/ozon and equal gold marketplace")
        # marketplace signs
        found = detect_marketplaces(text)
        if hint is None:
            if mp is None and found:
                err(cid, f"gold marketplace null but text has signs of {found}")
            if mp is not None and found != {mp}:
                err(cid, f"gold marketplace {mp} but signs found: {found or 'none'}")
        # entities
        ents = gold["entities"]
        seen = set()
        for e in ents:
            if (
                set(e) != {"type", "value"}
                or e["type"] not in ENTITY_TYPES
                or not isinstance(e["value"], str)
            ):
                err(cid, f"bad entity {e}")
                continue
            typ, val = e["type"], e["value"]
            if (typ, val) in seen:
                err(cid, f"duplicate entity {e}")
            seen.add((typ, val))
            stats["entity"][typ] += 1
            if typ in VALUE_RE and not VALUE_RE[typ].match(val):
                err(cid, f"badly normalised {typ} {val!r}")
            if typ == "vendor_code" and (val != val.strip() or not val):
                err(cid, f"vendor_code with spaces {val!r}")
            if typ == "barcode":
                if ean_ok(val):
                    stats["misc"]["barcode valid EAN-13"] += 1
                else:
                    stats["misc"]["barcode invalid (documented)"] += 1
                    if val not in notes:
                        err(cid, f"barcode {val} is not a valid EAN-13 and notes do not explain it")
            if not entity_traceable(text, typ, val):
                err(cid, f"entity {typ}={val} not found in text")
        # entities are listed in order of first mention (not required by the contract)
        pos = [
            text.find(e["value"])
            for e in ents
            if isinstance(e.get("value"), str) and e.get("type") != "amount"
        ]
        pos = [p for p in pos if p >= 0]
        if pos != sorted(pos):
            warnings.append(f"{cid}: entities not in order of mention")
        # an id written right next to another number is ambiguous for any reader
        for e in ents:
            if e.get("type") in ("amount", None) or not isinstance(e.get("value"), str):
                continue
            for m in re.finditer(re.escape(e["value"]), text):
                if re.match(r"[ \u00a0]?\d", text[m.end() : m.end() + 2]) or re.search(
                    r"\d[ \u00a0]?$", text[max(0, m.start() - 2) : m.start()]
                ):
                    err(cid, f"{e['type']} {e['value']} is glued to another number")
        # long numbers must be entities or explained in notes
        ent_digits = [
            re.sub(r"\D", "", e["value"]) for e in ents if isinstance(e.get("value"), str)
        ]
        no_phones = PHONE_RE.sub(" ", text)
        squeezed = re.sub(r"(?<=\d)[ \u00a0](?=\d)", "", no_phones)
        for run in set(re.findall(r"\d{6,}", squeezed)) | set(re.findall(r"\d{6,}", no_phones)):
            if (
                not any(run in d or (d in run and len(d) >= 6) for d in ent_digits)
                and run not in notes
            ):
                err(cid, f"number {run} is neither an entity nor explained in notes")
        # money mentions
        amounts = {e["value"] for e in ents if e.get("type") == "amount"}
        spotted = money_in_text(text)
        if spotted - amounts:
            warnings.append(f"{cid}: money-like mention {sorted(spotted - amounts)} not labelled")
        # event date
        ev = gold["event_date"]
        if ev is not None:
            try:
                evd = date.fromisoformat(ev)
                if evd > rec:
                    err(cid, "event_date after received_at")
                lag = (rec - evd).days
                stats["date_kind"][
                    "same day"
                    if lag == 0
                    else "1-2 days"
                    if lag <= 2
                    else "3-7 days"
                    if lag <= 7
                    else "8+ days"
                ] += 1
            except ValueError:
                err(cid, f"bad event_date {ev!r}")
                evd = None
        else:
            stats["date_kind"]["null"] += 1
        # missing
        miss = gold["missing"]
        if (
            not isinstance(miss, list)
            or any(m not in MISSING_ORDER for m in miss)
            or len(set(miss)) != len(miss)
        ):
            err(cid, f"bad missing {miss}")
            continue
        if miss != [m for m in MISSING_ORDER if m in miss]:
            err(cid, f"missing not in canonical order {miss}")
        has_id = any(e.get("type") in ID_TYPES for e in ents)
        if ("identifier" in miss) == has_id:
            err(cid, "identifier in missing inconsistent with entities")
        if ("date" in miss) != (ev is None):
            err(cid, "date in missing inconsistent with event_date")
        if ("evidence" in miss) != (not att):
            err(cid, "evidence in missing inconsistent with attachments")
        for m in miss:
            stats["missing"][m] += 1
        stats["category"][cat] += 1
        stats["marketplace"][str(mp)] += 1
        stats["cat_mp"][f"{cat}/{mp}"] += 1
        if text == text.lower():
            stats["register"]["all lowercase"] += 1
        if text.startswith("Тема:"):
            stats["register"]["form (Тема/Описание)"] += 1
        if notes:
            stats["misc"]["with notes"] += 1
        if not found and mp is not None:
            stats["misc"]["marketplace only from hint"] += 1
        if (
            mp is not None
            and found
            and not NAME_RE.search(text.lower().translate(CYR2LAT))
            and not NAME_RE.search(text.lower().translate(LAT2CYR))
        ):
            stats["misc"]["marketplace from implicit signs only"] += 1

    for cat in sorted(CATEGORIES):
        if stats["category"][cat] < MIN_PER_CATEGORY:
            errors.append(
                f"category {cat}: only {stats['category'][cat]} cases (< {MIN_PER_CATEGORY})"
            )

    # near-copies of the public dev set
    if DEV.exists():
        dev = [
            json.loads(x)["text"] for x in DEV.read_text(encoding="utf-8").splitlines() if x.strip()
        ]
        dev_sh = [shingles(t) for t in dev]
        worst = (0.0, "", 0)
        for text, cid in texts.items():
            sh = shingles(text)
            for j, dsh in enumerate(dev_sh):
                jac = len(sh & dsh) / max(1, len(sh | dsh))
                if jac > worst[0]:
                    worst = (jac, cid, j)
                if jac > 0.5:
                    errors.append(f"{cid}: too close to dev-{j + 1:03d} (5-gram Jaccard {jac:.2f})")
        print(f"max similarity to dev set: {worst[0]:.2f} ({worst[1]} vs dev-{worst[2] + 1:03d})")

    print(f"cases: {len(rows)}")
    for key in ("category", "marketplace", "entity", "missing", "date_kind", "register", "misc"):
        print(f"{key}: " + ", ".join(f"{k}={v}" for k, v in sorted(stats[key].items())))
    for w in warnings:
        print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
