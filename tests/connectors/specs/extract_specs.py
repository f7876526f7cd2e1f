"""Copy the parts of the pinned marketplace specs that the API clients use into this folder.

The specs live outside the repository, in shared/specs (see PROVENANCE.md). For each file we keep
the operations the clients call plus every component they reference (transitively), unchanged,
and record the original file's sha256. Run:

    .venv/bin/python tests/connectors/specs/extract_specs.py PATH/TO/shared/specs
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
WANTED: dict[str, list[tuple[str, str]]] = {
    "wb-2025-12/13-finances.yaml": [("/api/v5/supplier/reportDetailByPeriod", "get")],
    "wb-2025-12/12-reports.yaml": [("/api/v1/supplier/incomes", "get")],
    "wb-2026-08/01-general.yaml": [("/ping", "get")],
    "wb-2026-08/13-finances.yaml": [("/api/finance/v1/sales-reports/detailed", "post")],
    "wb-2026-08/07-orders-fbw.yaml": [
        ("/api/v1/supplies", "post"),
        ("/api/v1/supplies/{ID}/goods", "get"),
    ],
    "ozon-2025-08/swagger.json": [
        ("/v3/finance/transaction/list", "post"),
        ("/v2/supply-order/list", "post"),
        ("/v2/supply-order/get", "post"),
        ("/v2/posting/fbo/list", "post"),
        ("/v3/posting/fbs/list", "post"),
        ("/v3/chat/list", "post"),
        ("/v3/chat/history", "post"),
        ("/v1/finance/compensation", "post"),
        ("/v1/finance/decompensation", "post"),
        ("/v1/report/info", "post"),
        ("/v2/posting/fbo/get", "post"),
        ("/v3/posting/fbs/get", "post"),
    ],
}


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value)
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _refs(item)
    return found


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def subset(doc: dict[str, Any], operations: list[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {"openapi": doc["openapi"], "paths": {}, "components": {}}
    for path, method in operations:
        item = doc["paths"][path]
        kept = {k: v for k, v in item.items() if k in ("servers", "parameters")}
        kept[method] = item[method]
        out["paths"][path] = kept
    if "security" in doc:
        out["security"] = doc["security"]
    pending = _refs(out) | _refs(doc.get("components", {}).get("securitySchemes", {}))
    out["components"]["securitySchemes"] = doc.get("components", {}).get("securitySchemes", {})
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen or not ref.startswith("#/components/"):
            continue
        seen.add(ref)
        _, _, section, name = ref.split("/", 3)
        node = _resolve(doc, ref)
        out["components"].setdefault(section, {})[name] = node
        pending |= _refs(node)
    return out


def main(root: Path) -> None:
    for relative, operations in WANTED.items():
        raw = (root / relative).read_bytes()
        doc = json.loads(raw) if relative.endswith(".json") else yaml.safe_load(raw)
        part = subset(doc, operations)
        part["x-mpdesk-source"] = {"file": relative, "sha256": hashlib.sha256(raw).hexdigest()}
        name = relative.replace("/", "_").rsplit(".", 1)[0] + ".json"
        (HERE / name).write_text(
            json.dumps(part, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
