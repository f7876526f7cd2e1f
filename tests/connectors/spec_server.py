"""A loopback HTTP server that checks every request against the pinned OpenAPI specs.

Built on pytest-httpserver (werkzeug in a thread). Each request is matched to an operation of the
specs in ``specs/`` by method and path template, then checked: path, query and header parameters
(required ones present, values valid for their schema, no undocumented query parameters), the
security header, and the JSON body against the request schema (jsonschema, Draft 4 as OpenAPI 3.0
schemas are). Answers are queued per operation by the test; the bodies are generated from the
spec's response schemas and examples (``example_for``). Problems collect in ``violations``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from pytest_httpserver import HTTPServer
from referencing import Registry
from referencing.jsonschema import DRAFT4
from werkzeug import Request, Response

SPECS = Path(__file__).resolve().parent / "specs"


def load_spec(name: str) -> dict[str, Any]:
    return json.loads((SPECS / name).read_text(encoding="utf-8"))


def _drop_null_enums(node: Any) -> Any:
    """The pinned Ozon spec has ``"enum": null`` (``compensationReportLanguage``), which no
    JSON Schema validator accepts: such a key is read as absent."""
    if isinstance(node, dict):
        return {k: _drop_null_enums(v) for k, v in node.items() if not (k == "enum" and v is None)}
    if isinstance(node, list):
        return [_drop_null_enums(v) for v in node]
    return node


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def example_for(doc: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    """A value that fits ``schema``: its example if it has one, else one built from its type."""
    schema = resolve(doc, schema)
    if not isinstance(schema, dict) or depth > 12:
        return None
    if "example" in schema:
        return schema["example"]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_for(doc, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = schema.get("type", "object" if "properties" in schema else None)
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        props = schema.get("properties", {})
        return {k: example_for(doc, v, depth + 1) for k, v in props.items()}
    if kind == "array":
        return [example_for(doc, schema.get("items", {}), depth + 1)]
    return {"string": "x", "integer": 1, "number": 1.5, "boolean": True}.get(kind or "", None)


@dataclass
class Operation:
    doc: dict[str, Any]
    doc_uri: str
    method: str
    template: str
    pattern: re.Pattern[str]
    op: dict[str, Any]
    path_item: dict[str, Any]


@dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    return value


class SpecServer:
    def __init__(self, httpserver: HTTPServer, spec_names: list[str]) -> None:
        self.url = httpserver.url_for("/").rstrip("/")
        self.violations: list[str] = []
        self.seen: list[tuple[str, str, dict[str, Any], Any]] = []
        self._answers: dict[tuple[str, str], deque[Answer]] = defaultdict(deque)
        #: files served by path outside the specs (a report's CDN link), unchecked
        self.files: dict[str, bytes] = {}
        self.downloads: list[tuple[str, dict[str, str]]] = []
        self._operations: list[Operation] = []
        registry: Registry = Registry()
        for name in spec_names:
            doc = _drop_null_enums(load_spec(name))
            uri = f"urn:spec:{name}"
            registry = registry.with_resource(uri, DRAFT4.create_resource(doc))
            for template, item in doc["paths"].items():
                regex = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
                for method, op in item.items():
                    if method in ("servers", "parameters"):
                        continue
                    self._operations.append(
                        Operation(
                            doc, uri, method.upper(), template, re.compile(f"^{regex}$"), op, item
                        )
                    )
        self._registry = registry
        httpserver.expect_request(re.compile("^/")).respond_with_handler(self._handle)

    def operation(self, method: str, template: str) -> Operation:
        for operation in self._operations:
            if operation.method == method and operation.template == template:
                return operation
        raise KeyError((method, template))

    def answer(
        self,
        method: str,
        template: str,
        status: int,
        data: Any = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.operation(method, template)
        body = raw if raw is not None else (b"" if data is None else json.dumps(data).encode())
        self._answers[(method, template)].append(Answer(status, body, headers or {}))

    def response_example(self, method: str, template: str, status: str = "200") -> Any:
        operation = self.operation(method, template)
        response = resolve(operation.doc, operation.op["responses"][status])
        content = next(iter(response["content"].values()))
        return example_for(operation.doc, content["schema"])

    def _handle(self, request: Request) -> Response:
        if request.method == "GET" and request.path in self.files:
            self.downloads.append((request.path, dict(request.headers)))
            return Response(self.files[request.path], status=200, content_type="application/zip")
        operation = next(
            (
                o
                for o in self._operations
                if o.method == request.method and o.pattern.match(request.path)
            ),
            None,
        )
        if operation is None:
            self.violations.append(f"{request.method} {request.path}: no such operation")
            return Response(b"", status=404)
        body = self._check(operation, request)
        self.seen.append((request.method, operation.template, dict(request.args), body))
        queue = self._answers[(operation.method, operation.template)]
        if not queue:
            self.violations.append(f"{request.method} {request.path}: no answer queued")
            return Response(b"", status=599)
        answer = queue.popleft()
        content_type = "application/json" if answer.body else None
        return Response(
            answer.body, status=answer.status, headers=answer.headers, content_type=content_type
        )

    def _check(self, operation: Operation, request: Request) -> Any:
        where = f"{request.method} {operation.template}"
        doc = operation.doc
        params = [resolve(doc, p) for p in operation.path_item.get("parameters", [])]
        params += [resolve(doc, p) for p in operation.op.get("parameters", [])]
        path_values = dict(
            zip(
                re.findall(r"\{([^}]+)\}", operation.template),
                operation.pattern.match(request.path).groups(),
                strict=True,
            )
        )  # type: ignore[union-attr]
        documented_query = {p["name"] for p in params if p["in"] == "query"}
        for extra in set(request.args) - documented_query:
            self.violations.append(f"{where}: undocumented query parameter {extra!r}")
        for param in params:
            source = {"query": request.args, "header": request.headers, "path": path_values}.get(
                param["in"], {}
            )
            if param["name"] not in source:
                if param.get("required"):
                    self.violations.append(f"{where}: missing {param['in']} {param['name']!r}")
                continue
            schema = resolve(doc, param.get("schema", {}))
            value = _coerce(source[param["name"]], schema)
            for error in Draft4Validator(schema).iter_errors(value):
                self.violations.append(f"{where}: {param['name']}={value!r}: {error.message}")
        security = operation.op.get("security", doc.get("security", []))
        schemes = doc.get("components", {}).get("securitySchemes", {})
        for requirement in security:
            for scheme_name in requirement:
                header = schemes[scheme_name]["name"]
                if not request.headers.get(header):
                    self.violations.append(f"{where}: missing security header {header!r}")
        return self._check_body(operation, request, where)

    def _check_body(self, operation: Operation, request: Request, where: str) -> Any:
        spec_body = resolve(operation.doc, operation.op.get("requestBody"))
        raw = request.get_data()
        if not spec_body:
            if raw:
                self.violations.append(f"{where}: body sent to an operation without one")
            return None
        if not raw:
            if spec_body.get("required"):
                self.violations.append(f"{where}: required body missing")
            return None
        if not request.mimetype == "application/json":
            self.violations.append(f"{where}: body is {request.mimetype}, not application/json")
        body = json.loads(raw)
        reference = operation.op["requestBody"].get("$ref")
        if reference:
            base = reference.removeprefix("#/")
        else:
            path_key = next(
                k
                for k, v in operation.doc["paths"].items()
                if v.get(operation.method.lower()) is operation.op
            )
            base = _pointer("paths", path_key, operation.method.lower(), "requestBody")
        validator = Draft4Validator(
            {"$ref": f"{operation.doc_uri}#/{base}/content/application~1json/schema"},
            registry=self._registry,
        )
        for error in validator.iter_errors(body):
            self.violations.append(f"{where}: body {list(error.path)}: {error.message}")
        return body
