"""The API against its own OpenAPI document: ``schemathesis run --checks all`` with every phase
(examples, coverage, fuzzing and the stateful phase that follows the document's ``links``)
against the app served by uvicorn (on SQLite: the run checks the HTTP contract; the journal's
two databases are covered by the rest of the suite); and the promises the document makes, one
by one on SQLite and PostgreSQL (enums, ``Allow``, ``Location``, links, the download's media
types).

Bounded: ``--max-examples`` per operation and a fixed seed, so a run is repeatable; the
configuration and the extra check live in ``tests/integration/web/schemathesis/``."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from tests.hostile.server import free_port
from tests.web_support import World

from mpdesk.domain.filetypes import MEDIA_TYPES
from mpdesk.domain.tickets import Status

HERE = Path(__file__).parent / "schemathesis"
EXAMPLES = 5


@pytest.fixture
def served(world: World) -> Iterator[str]:
    """The world's app on a free port (uvicorn in a thread of this process)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(world.api, port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # uvicorn sets the flag once it listens (it has no event)
        assert thread.is_alive(), "uvicorn stopped before it started"
        thread.join(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()


@pytest.mark.slow
@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)  # the contract, not the database
def test_schemathesis_all_checks_all_phases_clean(
    world: World, served: str, tmp_path: Path
) -> None:
    root = Path(__file__).parents[3]
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "--no-color"),
        *("--config-file", str(HERE / "schemathesis.toml")),
        *("run", f"{served}/api/openapi.json", "--checks", "all"),
        *("--phases", "examples,coverage,fuzzing,stateful"),
        *("--max-examples", str(EXAMPLES), "--seed", "7", "--workers", "1"),
        *("--generation-database", "none"),
        *("--header", f"Authorization: Bearer {world.admin_token}"),
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.integration.web.schemathesis.hooks"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    run = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-6000:]
    assert "Stateful" in report  # the phase that follows the links ran


def test_the_schema_lists_the_ids_the_api_accepts(world: World) -> None:
    kb = world.wctx.ctx.kb
    schema = world.client().get("/api/openapi.json").json()
    bodies = schema["components"]["schemas"]
    create = bodies["TicketCreate"]["properties"]
    assert create["marketplace"]["enum"] == sorted(kb.marketplaces)
    assert create["category"]["enum"] == sorted(kb.categories)
    assert create["channel"]["enum"] == ["", *sorted(kb.channels)]  # "" = the default one
    assert bodies["TransitionCreate"]["properties"]["to"]["$ref"].endswith("/Status")
    assert bodies["Status"]["enum"] == [s.value for s in Status]
    params = {p["name"]: p for p in schema["paths"]["/api/v1/tickets"]["get"]["parameters"]}
    assert sorted(kb.categories) in [b.get("enum") for b in params["category"]["schema"]["anyOf"]]
    client = world.api_client(world.admin_token)
    unknown = client.post("/api/v1/tickets", json={"marketplace": "wb", "category": "nope"})
    assert unknown.status_code == 422  # what the schema now says
    channel = client.post(
        "/api/v1/tickets", json={"marketplace": "wb", "category": "other", "channel": "telex"}
    )
    assert channel.status_code == 422 and channel.json()["fields"]["field"] == "channel"


def test_a_method_a_path_does_not_serve_is_answered_with_allow(world: World) -> None:
    client = world.api_client(world.admin_token)
    for path, allowed in [
        ("/api/v1/tickets", "GET, POST"),
        (f"/api/v1/tickets/{world.ticket_a}", "GET, PATCH"),
        (f"/api/v1/tickets/{world.ticket_a}/attachments", "GET, POST"),
    ]:
        answer = client.options(path)
        assert answer.status_code == 405
        assert answer.headers["allow"] == allowed
        assert answer.json()["code"] == "method_not_allowed"


def test_a_created_ticket_and_file_can_be_followed_to(world: World) -> None:
    schema = world.client().get("/api/openapi.json").json()
    client = world.api_client(world.admin_token)
    opened = client.post("/api/v1/tickets", json={"marketplace": "wb", "category": "other"})
    assert opened.status_code == 201
    assert client.get(opened.headers["location"]).json()["id"] == opened.json()["id"]
    ticket = opened.json()["id"]
    uploaded = client.post(
        f"/api/v1/tickets/{ticket}/attachments",
        files=[("files", ("акт.txt", "Акт приёмки: 25 штук".encode(), "text/plain"))],
    )
    assert uploaded.status_code == 201
    download = client.get(uploaded.headers["location"])
    assert download.content == "Акт приёмки: 25 штук".encode()
    assert download.headers["content-type"].split(";")[0] == "text/plain"
    file_id = int(uploaded.headers["x-attachment-id"])
    assert uploaded.headers["location"].endswith(f"/attachments/{file_id}")

    paths = schema["paths"]
    links = paths["/api/v1/tickets/{ticket_id}/attachments"]["post"]["responses"]["201"]["links"]
    target = links["DownloadCreatedAttachment"]
    download_op = paths["/api/v1/tickets/{ticket_id}/attachments/{attachment_id}"]["get"]
    assert target["operationId"] == download_op["operationId"]
    assert target["parameters"]["attachment_id"] == "$response.header.X-Attachment-Id"
    assert sorted(download_op["responses"]["200"]["content"]) == sorted(MEDIA_TYPES)
    opened_links = paths["/api/v1/tickets"]["post"]["responses"]["201"]["links"]
    assert opened_links["GetTicket"]["parameters"] == {"ticket_id": "$response.body#/id"}


def test_a_request_the_schema_calls_invalid_is_refused_with_the_envelope(world: World) -> None:
    client = world.api_client(world.admin_token)
    for body in ({"text": "Не пришла выплата", "received_at": 0}, {"text": "x\x00"}):
        refused = client.post("/api/v1/triage", json=body)
        assert refused.status_code == 422
        assert refused.json()["code"] == "validation_error"
        assert refused.json()["ok"] is False and refused.json()["message"]
    edit = client.patch(f"/api/v1/tickets/{world.ticket_a}", json={"clear_event_date": 0})
    assert edit.status_code == 422 and edit.json()["code"] == "validation_error"


def test_a_valid_request_that_stored_data_does_not_allow_is_a_conflict(world: World) -> None:
    client = world.api_client(world.admin_token)
    taken = client.post("/api/v1/shops", json={"name": "Магазин А", "marketplace": "wb"})
    assert taken.status_code == 409 and taken.json()["code"] == "shop_exists"
    early = client.post(f"/api/v1/tickets/{world.ticket_a}/follow-up")  # not yet submitted
    assert early.status_code == 409 and early.json()["code"] == "follow_up_needs_submission"
