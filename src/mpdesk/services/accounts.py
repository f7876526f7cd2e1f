"""Use cases of accounts: users and roles, sign-in with throttling, sessions, API tokens and
one-time login links. Secrets are random; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from mpdesk.domain.accounts import (
    ApiToken,
    Membership,
    Principal,
    Role,
    User,
    WebSession,
    is_password_acceptable,
)
from mpdesk.domain.errors import (
    AuthRequiredError,
    NotFoundError,
    UserInputError,
)
from mpdesk.domain.login_throttle import account_rule
from mpdesk.services import login_throttle
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.accounts import AccountRepository, AccountsUnitOfWork, PasswordHasher
from mpdesk.services.ports.files import FileStore
from mpdesk.services.ports.journal import JournalStats

TOKEN_PREFIX = "mpd_"
FIRST_ADMIN_LOGIN = "admin"
#: last-seen stamps are written at most this often (keeps reads free of writes)
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class AccountPolicy:
    session_hours: int = 24 * 14
    login_max_attempts: int = 5
    login_window: timedelta = timedelta(minutes=15)
    login_link_minutes: int = 30


@dataclass
class WebContext:
    """What the web app and the API need beyond the journal's ``ServiceContext``."""

    ctx: ServiceContext
    accounts: Callable[[], AccountsUnitOfWork]
    hasher: PasswordHasher
    stats: JournalStats
    new_file_store: Callable[[], FileStore]
    policy: AccountPolicy
    secret: bytes = b""  # signs the CSRF tokens of forms shown before sign-in
    #: reads without a transaction (who is asking, on every request); ``accounts`` if None
    account_reads: Callable[[], AccountsUnitOfWork] | None = None

    def reads(self) -> AccountsUnitOfWork:
        return (self.account_reads or self.accounts)()

    def acting(self, principal: Principal) -> ServiceContext:
        """A context whose actor is the principal, with its own pending-file list."""
        return replace(self.ctx, actor=principal.login, files=self.new_file_store())


@dataclass(frozen=True)
class SessionStart:
    token: str
    session: WebSession
    principal: Principal


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def csrf_for(session_token: str) -> str:
    """The session's CSRF token, derived from the session cookie's secret: only its hash is
    stored, so whoever reads the database cannot forge a form for someone's session."""
    return hash_secret(f"csrf:{session_token}")


def _principal(repo: AccountRepository, user: User, via_token: bool = False) -> Principal:
    assert user.id is not None
    return _principal_of(user, repo.memberships(user.id), via_token)


def _principal_of(user: User, memberships: list[Membership], via_token: bool = False) -> Principal:
    assert user.id is not None
    roles = {m.shop_id: m.role for m in memberships}
    return Principal(user.id, user.login, user.name, user.is_admin, roles, via_token)


def _clean_login(login: str) -> str:
    login = login.strip()
    if not login or len(login) > 100 or any(ch.isspace() for ch in login):
        raise UserInputError("login_invalid", login=login[:100])
    return login


# --- users -------------------------------------------------------------------------------


def named_principal(wctx: WebContext, login: str) -> Principal:
    """The principal of an active user, for a surface that names the user itself (the CLI's
    ``--as``); an unknown or disabled login raises ``UserInputError``."""
    with wctx.accounts() as uow:
        user = uow.accounts.find_user(login)
        if user is None or not user.active:
            raise UserInputError("acting_user_unknown", login=login[:100])
        return _principal(uow.accounts, user)


def add_user(
    wctx: WebContext,
    login: str,
    password: str | None,
    name: str = "",
    is_admin: bool = False,
    roles: dict[int, Role] | None = None,
) -> User:
    login = _clean_login(login)
    if password is not None and not is_password_acceptable(password, login):
        raise UserInputError("password_weak", min_length=8)
    with wctx.accounts() as uow:
        if uow.accounts.find_user(login) is not None:
            raise UserInputError("user_exists", login=login)
        user = User(
            login=login,
            name=name.strip() or login,
            created_at=wctx.ctx.clock.now(),
            password_hash=wctx.hasher.hash(password) if password else "",
            is_admin=is_admin,
        )
        uow.accounts.add_user(user)
        assert user.id is not None
        for shop_id, role in (roles or {}).items():
            uow.accounts.set_membership(user.id, shop_id, role)
        uow.commit()
        return user


def _find(repo: AccountRepository, login: str) -> User:
    user = repo.find_user(login)
    if user is None:
        raise NotFoundError("user_not_found", login=login)
    return user


def _end_other_access(repo: AccountRepository, user: User, keep_session: int | None) -> None:
    """A new password ends every session (but the one that changed it) and every API token:
    whoever learned the old password loses what they opened with it."""
    assert user.id is not None
    repo.delete_user_sessions(user.id, keep=keep_session)
    repo.revoke_user_tokens(user.id)


def set_password(wctx: WebContext, login: str, password: str) -> User:
    """An administrator's reset (``mpdesk user passwd``): every session and token ends."""
    with wctx.accounts() as uow:
        user = _find(uow.accounts, login)
        if not is_password_acceptable(password, user.login):
            raise UserInputError("password_weak", min_length=8)
        user.password_hash = wctx.hasher.hash(password)
        uow.accounts.save_user(user)
        _end_other_access(uow.accounts, user, keep_session=None)
        uow.commit()
    return user


def change_own_password(
    wctx: WebContext,
    principal: Principal,
    current: str,
    new: str,
    session_id: int | None = None,
) -> None:
    """The person's own change: the session ``session_id`` that made it stays signed in;
    their other sessions and API tokens end."""
    with wctx.accounts() as uow:
        user = uow.accounts.get_user(principal.user_id)
        if user is None:
            raise AuthRequiredError()
        if user.has_password and not wctx.hasher.verify(user.password_hash, current):
            raise UserInputError("password_wrong")
        if not is_password_acceptable(new, user.login):
            raise UserInputError("password_weak", min_length=8)
        user.password_hash = wctx.hasher.hash(new)
        uow.accounts.save_user(user)
        _end_other_access(uow.accounts, user, keep_session=session_id)
        uow.commit()


def list_users(wctx: WebContext) -> list[tuple[User, list[Membership]]]:
    with wctx.accounts() as uow:
        members = uow.accounts.memberships()
        return [(u, [m for m in members if m.user_id == u.id]) for u in uow.accounts.list_users()]


def grant_role(wctx: WebContext, login: str, shop_id: int, role: Role | None) -> None:
    with wctx.ctx.uow() as juow:
        if juow.shops.get(shop_id) is None:
            raise NotFoundError("shop_not_found", name=str(shop_id))
    with wctx.accounts() as uow:
        user = _find(uow.accounts, login)
        assert user.id is not None
        uow.accounts.set_membership(user.id, shop_id, role)
        uow.commit()


def accounts_configured(wctx: WebContext) -> bool:
    """True when at least one active user can sign in with a password."""
    with wctx.accounts() as uow:
        return uow.accounts.count_users(with_password=True) > 0


def ensure_first_admin(wctx: WebContext) -> User:
    """The first administrator; created (without a password) when there are no users."""
    with wctx.accounts() as uow:
        admins = [u for u in uow.accounts.list_users() if u.is_admin and u.active]
        if admins:
            return admins[0]
        user = User(
            login=FIRST_ADMIN_LOGIN,
            name=wctx.ctx.message("first_admin_name"),
            created_at=wctx.ctx.clock.now(),
            is_admin=True,
        )
        if uow.accounts.find_user(FIRST_ADMIN_LOGIN) is not None:
            user.login = f"{FIRST_ADMIN_LOGIN}-{secrets.token_hex(3)}"
        uow.accounts.add_user(user)
        uow.commit()
        return user


# --- sign-in -----------------------------------------------------------------------------

_DUMMY_HASH: list[str] = []


def _start_session(repo: AccountRepository, wctx: WebContext, user: User) -> SessionStart:
    assert user.id is not None
    now = wctx.ctx.clock.now()
    token = secrets.token_urlsafe(32)
    csrf = csrf_for(token)
    session = repo.add_session(
        user.id,
        hash_secret(token),
        hash_secret(csrf),
        now,
        now + timedelta(hours=wctx.policy.session_hours),
    )
    session = replace(session, csrf=csrf)
    user.last_login_at = now
    repo.save_user(user)
    return SessionStart(token, session, _principal(repo, user))


def sign_in(wctx: WebContext, login: str, password: str, client: str) -> SessionStart:
    """Check the password; the attempt is counted first (``login_throttle.py``)."""
    keys = login_throttle.keys_for(login, client)
    rule = account_rule(wctx.policy.login_max_attempts, wctx.policy.login_window)
    login_throttle.claim_attempt(wctx.accounts, wctx.ctx.clock, keys, rule)
    with wctx.accounts() as uow:
        user = uow.accounts.find_user(login) if login.strip() else None
    if user is None or not user.active or not user.has_password:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(wctx.hasher.hash(secrets.token_hex(8)))
        wctx.hasher.verify(_DUMMY_HASH[0], password)  # same cost as a real check
        raise AuthRequiredError("login_failed")
    if not wctx.hasher.verify(user.password_hash, password):
        raise AuthRequiredError("login_failed")
    login_throttle.forget_attempt(wctx.accounts, keys)
    with wctx.accounts() as uow:
        if wctx.hasher.needs_rehash(user.password_hash):
            user.password_hash = wctx.hasher.hash(password)
        start = _start_session(uow.accounts, wctx, user)
        uow.commit()
        return start


def session_principal(wctx: WebContext, token: str) -> tuple[Principal, WebSession] | None:
    if not token:
        return None
    now = wctx.ctx.clock.now()
    with wctx.reads() as uow:
        found = uow.accounts.session_holder(hash_secret(token))
    if found is None:
        return None
    session, user, memberships = found
    if session.expires_at <= now or not user.active:
        return None
    session = replace(session, csrf=csrf_for(token))
    if now - session.last_seen_at > TOUCH_EVERY:
        expires = now + timedelta(hours=wctx.policy.session_hours)
        with wctx.accounts() as uow:
            uow.accounts.touch_session(session.id, now, expires)
            uow.commit()
        session = replace(session, last_seen_at=now, expires_at=expires)
    return _principal_of(user, memberships), session


def sign_out(wctx: WebContext, token: str) -> None:
    with wctx.accounts() as uow:
        uow.accounts.delete_session(hash_secret(token))
        uow.commit()


def create_login_link(wctx: WebContext, login: str) -> str:
    """A one-time secret that signs ``login`` in once within the policy's minutes."""
    now = wctx.ctx.clock.now()
    token = secrets.token_urlsafe(32)
    with wctx.accounts() as uow:
        user = _find(uow.accounts, login)
        assert user.id is not None
        uow.accounts.add_login_link(
            user.id,
            hash_secret(token),
            now,
            now + timedelta(minutes=wctx.policy.login_link_minutes),
        )
        uow.commit()
    return token


def use_login_link(wctx: WebContext, token: str) -> SessionStart:
    now = wctx.ctx.clock.now()
    with wctx.accounts() as uow:
        user_id = uow.accounts.consume_login_link(hash_secret(token), now)
        user = uow.accounts.get_user(user_id) if user_id is not None else None
        if user is None or not user.active:
            raise AuthRequiredError("login_link_invalid")
        start = _start_session(uow.accounts, wctx, user)
        uow.commit()
        return start


# --- API tokens --------------------------------------------------------------------------


def create_token(wctx: WebContext, login: str, name: str = "") -> tuple[str, ApiToken]:
    """Returns the token itself (shown once) and its stored record."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with wctx.accounts() as uow:
        user = _find(uow.accounts, login)
        assert user.id is not None
        record = uow.accounts.add_token(
            user.id,
            name.strip()[:100],
            hash_secret(secret),
            secret[: len(TOKEN_PREFIX) + 6],
            wctx.ctx.clock.now(),
        )
        uow.commit()
    return secret, record


def token_principal(wctx: WebContext, secret: str) -> Principal | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = wctx.ctx.clock.now()
    with wctx.reads() as uow:
        found = uow.accounts.token_holder(hash_secret(secret))
    if found is None:
        return None
    token, user, memberships = found
    if token.revoked or not user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        with wctx.accounts() as uow:
            uow.accounts.touch_token(token.id, now)
            uow.commit()
    return _principal_of(user, memberships, via_token=True)


def list_tokens(wctx: WebContext, principal: Principal) -> list[ApiToken]:
    with wctx.accounts() as uow:
        return uow.accounts.list_tokens(principal.user_id)


def revoke_token(wctx: WebContext, principal: Principal, token_id: int) -> None:
    with wctx.accounts() as uow:
        owned = {t.id for t in uow.accounts.list_tokens(principal.user_id)}
        if token_id not in owned:
            raise NotFoundError("token_not_found", token_id=token_id)
        uow.accounts.revoke_token(token_id)
        uow.commit()
