"""Request bodies are capped as they arrive, before anyone is trusted: chunked bodies (no
``Content-Length``) to a real uvicorn process are cut off with 413 or 401 long before their
end, and the server goes on answering."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mpdesk.bootstrap import bootstrap
from mpdesk.config import Settings
from mpdesk.services import accounts
from tests.hostile.server import Server, post_chunked, uvicorn_server
from tests.web_support import fast_web_context

TOTAL = 64 * 1024 * 1024
BOUNDARY = "hostileboundary"
MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
FILE_PART = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.xlsx"\r\n'
    "Content-Type: application/octet-stream\r\n\r\n"
).encode()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    home = tmp_path_factory.mktemp("home")
    application = bootstrap(Settings(home=home))
    wctx = fast_web_context(application)
    accounts.add_user(wctx, "boss", "correct-horse-42", is_admin=True)
    token, _ = accounts.create_token(wctx, "boss")
    assert application.engine is not None
    application.engine.dispose()
    with uvicorn_server(home, MPDESK_MAX_ATTACHMENT_MB="1") as server:
        yield server, token


def test_chunked_body_before_sign_in_is_cut_off_with_413(served: tuple[Server, str]) -> None:
    server, _ = served
    answer = post_chunked(server, "/login", MULTIPART, FILE_PART, TOTAL)
    assert answer.status == 413
    assert "До входа в mpdesk принимаются запросы не больше 64 КБ" in answer.body
    assert answer.sent < TOTAL // 4
    assert server.is_answering()


def test_chunked_api_upload_without_token_is_401_unread(served: tuple[Server, str]) -> None:
    server, _ = served
    answer = post_chunked(server, "/api/v1/audits", MULTIPART, FILE_PART, TOTAL)
    assert answer.status == 401
    assert '"code":"auth_required"' in answer.body.replace(" ", "")
    assert answer.sent < TOTAL // 4
    assert server.is_answering()


def test_chunked_upload_over_the_cap_is_cut_off_with_413(served: tuple[Server, str]) -> None:
    """With ``MPDESK_MAX_ATTACHMENT_MB=1`` a signed-in request may send 12 MB."""
    server, token = served
    headers = {**MULTIPART, "Authorization": f"Bearer {token}"}
    answer = post_chunked(server, "/api/v1/audits", headers, FILE_PART, TOTAL)
    assert answer.status == 413
    assert '"code":"request_too_large"' in answer.body.replace(" ", "")
    assert 12 * 1024 * 1024 < answer.sent < TOTAL // 2
    assert server.is_answering()
