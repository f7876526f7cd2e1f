"""Two ``mpdesk serve`` processes behind one load balancer: one PostgreSQL, one S3 bucket,
one secret key. What one server stores, the other shows, serves and bundles; a session
made on one works on the other; a password change on one ends the sessions on both."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator

import httpx
import pytest
from tests.conftest import new_bucket, require_pg, schema_url
from tests.journals import JournalPool
from tests.s3_server import ACCESS_KEY, SECRET_KEY
from tests.servers import Served, mpdesk_serve
from tests.web_support import csrf_of, fast_web_context

from mpdesk.bootstrap import bootstrap
from mpdesk.config import Settings
from mpdesk.services import accounts

PASSWORD = "correct-horse-42"
NEW_PASSWORD = "battery-staple-77"
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster(
    journal_pool: JournalPool, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Served, Served, str]]:
    """Two servers started once for the module on a journal migrated before they start (the
    test process's pool): ``boss`` signs in with a password (the session test changes it),
    ``clerk`` works through an API token (never revoked here)."""
    require_pg()
    tmp_path = tmp_path_factory.mktemp("cluster")
    schema = journal_pool.take_schema()
    url = schema_url(schema)
    secret_key = "one-secret-for-every-server-of-the-agency-0123"
    admin = bootstrap(Settings(home=tmp_path / "admin", database_url=url, secret_key=secret_key))
    wctx = fast_web_context(admin)
    accounts.add_user(wctx, "boss", PASSWORD, is_admin=True)
    accounts.add_user(wctx, "clerk", PASSWORD, is_admin=True)
    token = accounts.create_token(wctx, "clerk")[0]
    assert admin.engine is not None
    admin.engine.dispose()
    shared = {
        "MPDESK_DATABASE_URL": url,
        "MPDESK_EVIDENCE_STORE": "s3",
        "MPDESK_S3_ENDPOINT_URL": s3_endpoint,
        "MPDESK_S3_BUCKET": new_bucket(s3_endpoint),
        "MPDESK_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "MPDESK_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "MPDESK_SECRET_KEY": secret_key,
        "MPDESK_MIGRATE_ON_START": "false",
        "MPDESK_REMIND_IN_SERVER": "false",
    }
    one = {**shared, "MPDESK_HOME": str(tmp_path / "machine-1")}
    two = {**shared, "MPDESK_HOME": str(tmp_path / "machine-2")}
    with (
        mpdesk_serve(one, tmp_path / "logs") as first,
        mpdesk_serve(two, tmp_path / "logs") as second,
    ):
        yield first, second, token
    journal_pool.give_back(schema)


def _sign_in(client: httpx.Client, url: str, password: str = PASSWORD) -> httpx.Response:
    page = client.get(f"{url}/login")
    return client.post(
        f"{url}/login",
        data={"login": "boss", "password": password, "next": "/", "csrf_token": csrf_of(page.text)},
    )


def test_evidence_stored_through_one_server_is_served_and_bundled_by_the_other(
    cluster: tuple[Served, Served, str],
) -> None:
    first, second, token = cluster
    auth = {"Authorization": f"Bearer {token}"}
    made = httpx.post(
        f"{first.url}/api/v1/tickets",
        headers=auth,
        json={
            "marketplace": "wb",
            "category": "acceptance",
            "description": "Поставка принята не полностью: не хватает 12 штук по акту.",
            "identifiers": [{"type": "supply_id", "value": "24567891"}],
        },
    )
    assert made.status_code == 201, made.text
    ticket_id = made.json()["id"]
    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(200_000)
    uploaded = httpx.post(
        f"{first.url}/api/v1/tickets/{ticket_id}/attachments",
        headers=auth,
        files={"files": ("коробка.jpg", photo, "image/jpeg")},
    )
    assert uploaded.status_code == 201, uploaded.text

    shown = httpx.get(f"{second.url}/api/v1/tickets/{ticket_id}", headers=auth).json()
    (attachment,) = shown["attachments"]
    assert attachment["filename"] == "коробка.jpg" and attachment["size"] == len(photo)
    body = httpx.get(
        f"{second.url}/api/v1/tickets/{ticket_id}/attachments/{attachment['id']}", headers=auth
    )
    assert body.status_code == 200 and body.content == photo
    bundle = httpx.get(f"{second.url}/api/v1/tickets/{ticket_id}/bundle", headers=auth)
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert photo in [archive.read(name) for name in archive.namelist()]


def test_a_session_works_on_both_and_a_password_change_ends_them_on_both(
    cluster: tuple[Served, Served, str],
) -> None:
    first, second, _ = cluster
    laptop, phone = httpx.Client(), httpx.Client()  # two devices of the same person
    assert _sign_in(laptop, first.url).status_code == 303
    assert _sign_in(phone, second.url).status_code == 303
    for client in (laptop, phone):  # the session of either server is valid on the other
        for server in (first, second):
            assert client.get(f"{server.url}/journal").status_code == 200

    account = laptop.get(f"{first.url}/account")
    changed = laptop.post(
        f"{first.url}/account/password",
        data={"current": PASSWORD, "new": NEW_PASSWORD, "csrf_token": csrf_of(account.text)},
    )
    assert changed.status_code == 303
    for server in (first, second):  # the other device is signed out everywhere at once
        assert phone.get(f"{server.url}/journal").status_code in (303, 401)
    assert _sign_in(phone, second.url, NEW_PASSWORD).status_code == 303
    laptop.close()
    phone.close()
