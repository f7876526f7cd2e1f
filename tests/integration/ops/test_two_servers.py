"""Two ``mpdesk serve`` processes behind one load balancer: one PostgreSQL, one S3 bucket,
one secret key. What one server stores, the other shows, serves and bundles; a session
made on one works on the other; a password change on one ends the sessions on both."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator

import httpx
import pytest
from tests.conftest import fresh_pg_schema, new_bucket
from tests.s3_server import ACCESS_KEY, SECRET_KEY
from tests.servers import Served, mpdesk_serve
from tests.web_support import csrf_of

PASSWORD = "correct-horse-42"
NEW_PASSWORD = "battery-staple-77"
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _mpdesk(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mpdesk", *args],
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def shared_schema() -> Iterator[str]:
    """One PostgreSQL schema for the module's cluster (the tests use users of their own)."""
    with fresh_pg_schema() as url:
        yield url


@pytest.fixture(scope="module")
def cluster(
    shared_schema: str, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Served, Served, str]]:
    """Two servers started once for the module: ``boss`` signs in with a password (the
    session test changes it), ``clerk`` works through an API token (never revoked here)."""
    tmp_path = tmp_path_factory.mktemp("cluster")
    bucket = new_bucket(s3_endpoint)
    shared = {
        "MPDESK_DATABASE_URL": shared_schema,
        "MPDESK_EVIDENCE_STORE": "s3",
        "MPDESK_S3_ENDPOINT_URL": s3_endpoint,
        "MPDESK_S3_BUCKET": bucket,
        "MPDESK_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "MPDESK_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "MPDESK_SECRET_KEY": "one-secret-for-every-server-of-the-agency-0123",
        "MPDESK_MIGRATE_ON_START": "false",
        "MPDESK_REMIND_IN_SERVER": "false",
    }
    admin = {**shared, "MPDESK_HOME": str(tmp_path / "admin")}
    _mpdesk(admin, "migrate")  # once, before the servers start
    _mpdesk(admin, "user", "add", "boss", "--admin", "--password-stdin", stdin=PASSWORD + "\n")
    _mpdesk(admin, "user", "add", "clerk", "--admin", "--password-stdin", stdin=PASSWORD + "\n")
    token = _mpdesk(admin, "token", "create", "-u", "clerk", "--json")
    secret = httpx.Response(200, content=token).json()["token"]
    one = {**shared, "MPDESK_HOME": str(tmp_path / "machine-1")}
    two = {**shared, "MPDESK_HOME": str(tmp_path / "machine-2")}
    with (
        mpdesk_serve(one, tmp_path / "logs") as first,
        mpdesk_serve(two, tmp_path / "logs") as second,
    ):
        yield first, second, secret


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
