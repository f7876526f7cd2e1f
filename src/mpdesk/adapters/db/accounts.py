"""Accounts persistence: users, memberships, API tokens, sessions, login links, the sign-in
throttle."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from mpdesk.adapters.db import tables_web as w
from mpdesk.domain.accounts import ApiToken, Membership, Role, User, WebSession
from mpdesk.domain.login_throttle import Attempt


def _user(row: Any) -> User:
    return User(
        id=row.id,
        login=row.login,
        name=row.name,
        password_hash=row.password_hash,
        is_admin=bool(row.is_admin),
        active=bool(row.active),
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


def _token(row: Any) -> ApiToken:
    return ApiToken(
        row.id, row.user_id, row.name, row.prefix, row.created_at, row.last_used_at, row.revoked
    )


def _holder_statement(table: Table) -> Select[Any]:
    """A session's or a token's row (``:token_hash``), its user's and the user's memberships,
    one row per membership (at least one row): who is asking, in one statement per request.
    Built once: every request runs it."""
    u, m = w.users.c, w.memberships.c
    return (
        select(
            *table.c,
            *(u[name].label(f"person_{name}") for name in _USER_FIELDS),
            m.shop_id.label("member_shop_id"),
            m.role.label("member_role"),
        )
        .select_from(
            table.join(w.users, u.id == table.c.user_id).outerjoin(w.memberships, m.user_id == u.id)
        )
        .where(table.c.token_hash == bindparam("token_hash"))
        .order_by(m.id)
    )


_USER_FIELDS = ("id", "login", "name", "password_hash", "is_admin", "active", "created_at",
                "last_login_at")  # fmt: skip
_SESSION_HOLDER = _holder_statement(w.web_sessions)
_TOKEN_HOLDER = _holder_statement(w.api_tokens)


def _holder(rows: Sequence[Any], skip: int) -> tuple[User, list[Membership]]:
    """The user and memberships of ``_holder_statement``'s rows (after ``skip`` columns)."""
    values = dict(zip(_USER_FIELDS, rows[0][skip : skip + len(_USER_FIELDS)], strict=True))
    values["is_admin"], values["active"] = bool(values["is_admin"]), bool(values["active"])
    user = User(**values)
    memberships = [Membership(user.id or 0, r[-2], Role(r[-1])) for r in rows if r[-2] is not None]
    return user, memberships


class SqlAccountRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- users -----------------------------------------------------------------------------
    def add_user(self, user: User) -> User:
        result = self.conn.execute(
            insert(w.users)
            .values(
                login=user.login,
                name=user.name,
                password_hash=user.password_hash,
                is_admin=user.is_admin,
                active=user.active,
                created_at=user.created_at,
                last_login_at=user.last_login_at,
            )
            .returning(w.users.c.id)
        )
        user.id = int(result.scalar_one())
        return user

    def save_user(self, user: User) -> None:
        self.conn.execute(
            update(w.users)
            .where(w.users.c.id == user.id)
            .values(
                name=user.name,
                password_hash=user.password_hash,
                is_admin=user.is_admin,
                active=user.active,
                last_login_at=user.last_login_at,
            )
        )

    def get_user(self, user_id: int) -> User | None:
        row = self.conn.execute(select(w.users).where(w.users.c.id == user_id)).first()
        return _user(row) if row else None

    def find_user(self, login: str) -> User | None:
        row = self.conn.execute(
            select(w.users).where(func.lower(w.users.c.login) == login.strip().lower())
        ).first()
        return _user(row) if row else None

    def list_users(self) -> list[User]:
        return [_user(r) for r in self.conn.execute(select(w.users).order_by(w.users.c.id))]

    def count_users(self, with_password: bool = False) -> int:
        query = select(func.count()).select_from(w.users)
        if with_password:
            query = query.where(w.users.c.password_hash != "", w.users.c.active.is_(True))
        return int(self.conn.execute(query).scalar_one())

    # --- memberships -----------------------------------------------------------------------
    def memberships(self, user_id: int | None = None) -> list[Membership]:
        query = select(w.memberships).order_by(w.memberships.c.id)
        if user_id is not None:
            query = query.where(w.memberships.c.user_id == user_id)
        return [Membership(r.user_id, r.shop_id, Role(r.role)) for r in self.conn.execute(query)]

    def set_membership(self, user_id: int, shop_id: int, role: Role | None) -> None:
        where = and_(w.memberships.c.user_id == user_id, w.memberships.c.shop_id == shop_id)
        self.conn.execute(delete(w.memberships).where(where))
        if role is not None:
            self.conn.execute(
                insert(w.memberships).values(user_id=user_id, shop_id=shop_id, role=role.value)
            )

    # --- API tokens ------------------------------------------------------------------------
    def add_token(
        self, user_id: int, name: str, token_hash: str, prefix: str, now: datetime
    ) -> ApiToken:
        result = self.conn.execute(
            insert(w.api_tokens)
            .values(
                user_id=user_id,
                name=name,
                token_hash=token_hash,
                prefix=prefix,
                created_at=now,
                revoked=False,
            )
            .returning(w.api_tokens.c.id)
        )
        return ApiToken(int(result.scalar_one()), user_id, name, prefix, now)

    def token_holder(self, token_hash: str) -> tuple[ApiToken, User, list[Membership]] | None:
        rows = self.conn.execute(_TOKEN_HOLDER, {"token_hash": token_hash}).all()
        if not rows:
            return None
        user, memberships = _holder(rows, len(w.api_tokens.c))
        return _token(rows[0]), user, memberships

    def touch_token(self, token_id: int, now: datetime) -> None:
        self.conn.execute(
            update(w.api_tokens).where(w.api_tokens.c.id == token_id).values(last_used_at=now)
        )

    def revoke_token(self, token_id: int) -> None:
        self.conn.execute(
            update(w.api_tokens).where(w.api_tokens.c.id == token_id).values(revoked=True)
        )

    def revoke_user_tokens(self, user_id: int) -> None:
        self.conn.execute(
            update(w.api_tokens).where(w.api_tokens.c.user_id == user_id).values(revoked=True)
        )

    def list_tokens(self, user_id: int) -> list[ApiToken]:
        return [
            _token(r)
            for r in self.conn.execute(
                select(w.api_tokens)
                .where(w.api_tokens.c.user_id == user_id)
                .order_by(w.api_tokens.c.id)
            )
        ]

    # --- sessions --------------------------------------------------------------------------
    def add_session(
        self, user_id: int, token_hash: str, csrf_hash: str, now: datetime, expires_at: datetime
    ) -> WebSession:
        result = self.conn.execute(
            insert(w.web_sessions)
            .values(
                user_id=user_id,
                token_hash=token_hash,
                csrf=csrf_hash,
                created_at=now,
                expires_at=expires_at,
                last_seen_at=now,
            )
            .returning(w.web_sessions.c.id)
        )
        return WebSession(int(result.scalar_one()), user_id, csrf_hash, now, expires_at, now)

    def session_holder(self, token_hash: str) -> tuple[WebSession, User, list[Membership]] | None:
        rows = self.conn.execute(_SESSION_HOLDER, {"token_hash": token_hash}).all()
        if not rows:
            return None
        r = rows[0]
        user, memberships = _holder(rows, len(w.web_sessions.c))
        session = WebSession(r.id, r.user_id, r.csrf, r.created_at, r.expires_at, r.last_seen_at)
        return session, user, memberships

    def touch_session(self, session_id: int, now: datetime, expires_at: datetime) -> None:
        self.conn.execute(
            update(w.web_sessions)
            .where(w.web_sessions.c.id == session_id)
            .values(last_seen_at=now, expires_at=expires_at)
        )

    def delete_session(self, token_hash: str) -> None:
        self.conn.execute(delete(w.web_sessions).where(w.web_sessions.c.token_hash == token_hash))

    def delete_user_sessions(self, user_id: int, keep: int | None = None) -> None:
        c = w.web_sessions.c
        query = delete(w.web_sessions).where(c.user_id == user_id)
        if keep is not None:
            query = query.where(c.id != keep)
        self.conn.execute(query)

    # --- one-time login links --------------------------------------------------------------
    def add_login_link(
        self, user_id: int, token_hash: str, now: datetime, expires_at: datetime
    ) -> None:
        self.conn.execute(
            insert(w.login_links).values(
                user_id=user_id, token_hash=token_hash, created_at=now, expires_at=expires_at
            )
        )

    def consume_login_link(self, token_hash: str, now: datetime) -> int | None:
        c = w.login_links.c
        result = self.conn.execute(
            update(w.login_links)
            .where(c.token_hash == token_hash, c.used_at.is_(None), c.expires_at > now)
            .values(used_at=now)
            .returning(c.user_id)
        )
        user_id = result.scalar()
        return int(user_id) if user_id is not None else None

    # --- sign-in throttle -------------------------------------------------------------------
    def claim_login_attempt(self, key: str, now: datetime, forget_before: datetime) -> Attempt:
        """Count one attempt in a single statement, unless the key is blocked: the row lock
        (PostgreSQL) or the write lock (SQLite) makes concurrent claims count one by one."""
        t = w.login_throttle
        insert_ = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        quiet = func.coalesce(t.c.blocked_until, t.c.last_at) < forget_before
        statement = (
            insert_(t)
            .values(key=key[:200], attempts=1, last_at=now, blocked_until=None)
            .on_conflict_do_update(
                index_elements=[t.c.key],
                set_={
                    "attempts": case((quiet, 1), else_=t.c.attempts + 1),
                    "last_at": now,
                    "blocked_until": None,
                },
                where=or_(t.c.blocked_until.is_(None), t.c.blocked_until <= now),
            )
            .returning(t.c.attempts)
        )
        attempts = self.conn.execute(statement).scalar()
        if attempts is not None:
            return Attempt(True, int(attempts))
        until = self.conn.execute(select(t.c.blocked_until).where(t.c.key == key[:200])).scalar()
        return Attempt(False, blocked_until=until)

    def block_login(self, key: str, until: datetime) -> None:
        t = w.login_throttle
        self.conn.execute(update(t).where(t.c.key == key[:200]).values(blocked_until=until))

    def release_login_attempt(self, key: str, limit: int) -> None:
        """Un-count one attempt that turned out right (the address key); its wait goes when
        the count falls below ``limit``."""
        t = w.login_throttle
        self.conn.execute(
            update(t)
            .where(t.c.key == key[:200], t.c.attempts > 0)
            .values(
                attempts=t.c.attempts - 1,
                blocked_until=case((t.c.attempts - 1 < limit, None), else_=t.c.blocked_until),
            )
        )

    def clear_login_attempts(self, key: str) -> None:
        self.conn.execute(delete(w.login_throttle).where(w.login_throttle.c.key == key[:200]))


class SqlAccountsUnitOfWork:
    accounts: SqlAccountRepository

    def __init__(self, engine: Engine, read_only: bool = False) -> None:
        self.engine = engine
        self.read_only = read_only
        self.conn: Connection | None = None

    def __enter__(self) -> Self:
        self.conn = self.engine.connect()
        if self.read_only and self.conn.dialect.name == "postgresql":
            # who is asking, on every request: one statement, no BEGIN and ROLLBACK round trips
            self.conn.execution_options(isolation_level="AUTOCOMMIT")
        self.conn.begin()
        self.accounts = SqlAccountRepository(self.conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.conn is not None
        try:
            if self.conn.in_transaction():
                self.conn.rollback()
        finally:
            self.conn.close()
            self.conn = None

    def commit(self) -> None:
        assert self.conn is not None
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.conn.commit()
