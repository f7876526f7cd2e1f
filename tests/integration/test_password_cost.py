"""The cost of argon2id password hashes: argon2's RFC 9106 low-memory profile unless the
operator sets ``MPDESK_PASSWORD_TIME_COST``/``MPDESK_PASSWORD_MEMORY_KIB`` (a small machine;
the tests' servers), and a hash made under other costs is made again at the next sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from mpdesk.bootstrap import bootstrap, web_context
from mpdesk.config import Settings
from mpdesk.services import accounts
from mpdesk.services.accounts import WebContext

PASSWORD = "correct-horse-42"
#: argon2-cffi's defaults, the RFC 9106 low-memory profile: 64 MiB, 3 passes, 4 lanes
PRODUCTION = "$argon2id$v=19$m=65536,t=3,p=4$"
SMALL = "$argon2id$v=19$m=1024,t=1,p=4$"


def _stored_hash(wctx: WebContext, login: str) -> str:
    with wctx.accounts() as uow:
        user = uow.accounts.find_user(login)
    assert user is not None
    return user.password_hash


def test_production_cost_by_default_and_a_lower_one_rehashes_at_the_next_sign_in(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = f"sqlite:///{home / 'mpdesk.db'}"
    default = bootstrap(Settings(home=home, database_url=journal))
    accounts.add_user(web_context(default), "boss", PASSWORD, is_admin=True)
    assert default.engine is not None
    default.engine.dispose()

    monkeypatch.setenv("MPDESK_PASSWORD_TIME_COST", "1")
    monkeypatch.setenv("MPDESK_PASSWORD_MEMORY_KIB", "1024")
    small = bootstrap(Settings(home=home, database_url=journal))
    wctx = web_context(small)
    assert _stored_hash(wctx, "boss").startswith(PRODUCTION)
    accounts.sign_in(wctx, "boss", PASSWORD, "203.0.113.7")
    assert _stored_hash(wctx, "boss").startswith(SMALL)
    accounts.sign_in(wctx, "boss", PASSWORD, "203.0.113.7")  # the new hash checks out
    accounts.add_user(wctx, "vera", PASSWORD)
    assert _stored_hash(wctx, "vera").startswith(SMALL)
    assert small.engine is not None
    small.engine.dispose()
