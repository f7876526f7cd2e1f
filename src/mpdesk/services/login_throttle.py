"""The sign-in throttle (rules in ``domain/login_throttle.py``): every attempt is counted
*before* its password is checked, one atomic row update per key, so parallel attempts can
never check more passwords than the limit allows, in any number of server processes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mpdesk.domain.errors import TooManyAttemptsError
from mpdesk.domain.login_throttle import ADDRESS_RULE, ThrottleRule, seconds_until
from mpdesk.services.ports.accounts import AccountsUnitOfWork
from mpdesk.services.ports.clock import Clock


@dataclass(frozen=True)
class ThrottleKeys:
    account: str  # login name with the client address
    address: str


def keys_for(login: str, client: str) -> ThrottleKeys:
    return ThrottleKeys(f"login:{login.strip().lower()}|{client}", f"client:{client}")


def claim_attempt(
    accounts: Callable[[], AccountsUnitOfWork],
    clock: Clock,
    keys: ThrottleKeys,
    rule: ThrottleRule,
) -> None:
    """Count this attempt under both keys, or raise ``TooManyAttemptsError`` (then nothing is
    counted). Committed before the password is checked."""
    now = clock.now()
    rules: list[tuple[str, ThrottleRule]] = [
        (keys.account, rule),
        (keys.address, ADDRESS_RULE),
    ]
    with accounts() as uow:
        repo = uow.accounts
        for key, rule in rules:  # always in this order: no deadlock between two keys
            attempt = repo.claim_login_attempt(key, now, now - rule.window)
            if not attempt.allowed:
                raise TooManyAttemptsError(seconds_until(attempt.blocked_until, now))
            delay = rule.delay_after(attempt.attempts)
            if delay is not None:
                repo.block_login(key, now + delay)
        uow.commit()


def forget_attempt(accounts: Callable[[], AccountsUnitOfWork], keys: ThrottleKeys) -> None:
    """The password was right: the account key starts afresh, the address gets its
    attempt back."""
    with accounts() as uow:
        uow.accounts.clear_login_attempts(keys.account)
        uow.accounts.release_login_attempt(keys.address, ADDRESS_RULE.limit)
        uow.commit()
