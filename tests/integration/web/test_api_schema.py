"""Property-based checks of the API against its own OpenAPI spec (schemathesis): no 5xx,
documented status codes and content types, responses that match their schemas.

Bounded: a few derandomized examples per operation, on SQLite and PostgreSQL. (Schemathesis'
pytest plugin does not run on this pytest, so the operations are driven with hypothesis.)"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks
from tests.web_support import World

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]
EXAMPLES = 12


def test_api_conforms_to_its_schema(world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", world.api)
    headers = {"Authorization": f"Bearer {world.admin_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation, mode in [
        (op, mode)
        for op in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    ]:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing to break in a parameterless call
        except Exception as exc:
            where = f"{operation.method.upper()} {operation.path} ({mode.value})"
            raise AssertionError(f"{where}: {exc}") from exc


def test_the_schema_lists_the_ids_the_api_accepts(world: World) -> None:
    kb = world.wctx.ctx.kb
    schema = world.client().get("/api/openapi.json").json()
    create = schema["components"]["schemas"]["TicketCreate"]["properties"]
    assert create["marketplace"]["enum"] == sorted(kb.marketplaces)
    assert create["category"]["enum"] == sorted(kb.categories)
    params = {p["name"]: p for p in schema["paths"]["/api/v1/tickets"]["get"]["parameters"]}
    assert sorted(kb.categories) in [b.get("enum") for b in params["category"]["schema"]["anyOf"]]
    client = world.api_client(world.admin_token)
    unknown = client.post("/api/v1/tickets", json={"marketplace": "wb", "category": "nope"})
    assert unknown.status_code == 422  # what the schema now says
