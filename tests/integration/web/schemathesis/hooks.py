"""Schemathesis hooks for ``test_api_schema.py`` (loaded through ``SCHEMATHESIS_HOOKS``).

``schema_valid_passes_validation``: a request the schema calls valid never gets the API's
``validation_error`` (the schema and the request models agree). The API may still refuse it
with 422 and another code, for a rule of the knowledge base the schema cannot state (an
identifier's format for the ticket's marketplace, a channel of another marketplace, a file type
recognised from content), or with 409 when stored data does not allow it now (a shop name
already taken); each such code has its Russian message in ``messages.ru.yaml``."""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis import GenerationMode


@schemathesis.check
def schema_valid_passes_validation(ctx: Any, response: Any, case: Any) -> None:
    meta = case.meta
    if meta is None or meta.generation.mode is not GenerationMode.POSITIVE:
        return
    if response.status_code != 422:
        return
    try:
        code = json.loads(response.content).get("code")
    except ValueError:
        code = None
    if code in (None, "validation_error"):
        raise AssertionError(
            f"a request valid by the schema failed the API's validation: {response.text[:300]}"
        )
