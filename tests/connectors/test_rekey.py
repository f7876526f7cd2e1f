"""A new ``MPDESK_SECRET_KEY``: stored API credentials stay readable through
``MPDESK_PREVIOUS_SECRET_KEYS`` until ``rekey_connections`` re-encrypts them; the vault key is
derived, never the session secret itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr

from mpdesk.adapters.credential_vault import FernetCredentialVault, derive_key
from mpdesk.bootstrap import App, bootstrap
from mpdesk.config import Settings
from mpdesk.domain.accounts import LOCAL_OWNER, Principal
from mpdesk.domain.api_errors import SecretKeyError
from mpdesk.domain.credentials import WbCredentials
from mpdesk.domain.errors import ForbiddenError
from mpdesk.services.connections import connect_shop, rekey_connections, shop_credentials
from mpdesk.services.shops import find_shop
from mpdesk.services.sync import last_sync, sync_shop
from tests.conftest import FROZEN_NOW
from tests.connectors.conftest import FakeTime, wb_token, wire
from tests.connectors.spec_server import SpecServer

TOKEN = wb_token(1_799_999_999)


@contextmanager
def app_with(home: Path, db_url: str, secret: str, previous: str = "") -> Iterator[App]:
    settings = Settings(
        home=home,
        database_url=db_url,
        now=FROZEN_NOW,
        secret_key=SecretStr(secret),
        previous_secret_keys=SecretStr(previous),
    )
    app = bootstrap(settings)
    try:
        yield app
    finally:
        assert app.engine is not None
        app.engine.dispose()


def read_back(app: App) -> WbCredentials:
    assert app.ctx.marketplaces is not None
    shop = find_shop(app.ctx, LOCAL_OWNER, "Мой ВБ")
    with app.ctx.marketplaces.uow() as uow:
        found = shop_credentials(app.ctx, uow, shop)
    assert isinstance(found, WbCredentials)
    return found


def test_rekey_moves_the_credentials_to_the_new_secret(
    home: Path, db_url: str, market: SpecServer, fake_time: FakeTime
) -> None:
    with app_with(home, db_url, "old-secret") as old:
        for _ in range(3):
            market.answer("GET", "/ping", 200, {"TS": "x", "Status": "OK"})
        connect_shop(wire(old, market, fake_time).ctx, LOCAL_OWNER, "Мой ВБ", WbCredentials(TOKEN))

    with app_with(home, db_url, "new-secret") as new_only:
        with pytest.raises(SecretKeyError):
            read_back(new_only)  # the old key is gone: «secret_key_invalid», nothing decrypted
        with pytest.raises(SecretKeyError):
            sync_shop(new_only.ctx, find_shop(new_only.ctx, LOCAL_OWNER, "Мой ВБ").id)
        failed = last_sync(new_only.ctx, find_shop(new_only.ctx, LOCAL_OWNER, "Мой ВБ").id)
        assert failed is not None and failed.error_code == "secret_key_invalid"
    with app_with(home, db_url, "new-secret", "spare, old-secret") as both:
        assert read_back(both).token == TOKEN
        with pytest.raises(ForbiddenError):
            rekey_connections(both.ctx, Principal(user_id=5, login="m", name="", is_admin=False))
        assert rekey_connections(both.ctx, LOCAL_OWNER) == 1
    with app_with(home, db_url, "new-secret") as new_only:
        assert read_back(new_only).token == TOKEN
    with app_with(home, db_url, "old-secret") as old, pytest.raises(SecretKeyError):
        read_back(old)


def test_the_vault_key_is_derived_and_differs_from_the_secret() -> None:
    key = derive_key(b"same-secret")
    assert key != "same-secret" and derive_key(b"same-secret") == key
    assert derive_key(b"other-secret") != key
    vault = FernetCredentialVault([key])
    assert vault.decrypt(vault.encrypt(WbCredentials(TOKEN))) == WbCredentials(TOKEN)
