"""One HTTP call to a seller API: auth headers, pacing, retries with backoff, typed errors.

``ApiTransport.call`` sends a request for an ``Endpoint`` and returns the raw ``Reply`` (bytes as
received plus the parsed JSON). It waits for a slot in the rate limiter before every attempt and
retries on 429, 5xx and transport failures with tenacity: a 429 waits what the marketplace asks
(``X-Ratelimit-Retry`` on WB, then the standard ``Retry-After``), anything else waits with
exponential backoff and full jitter. With ``headroom`` the pace is that fraction slower than
the documented limit: a marketplace counts a request when it arrives, and the first request of
a connection takes longer to arrive than the next (measured on the loopback fake of
``benchmarks/agency_bench.py``: one 429 per WB shop at exactly 1 / min). Errors are
``mpdesk.domain.api_errors`` types; none of them, and no log line, contains a token or key.

Header facts: WB wants the token in ``Authorization`` (``securitySchemes.HeaderApiKey`` of the
pinned WB specs) and answers 429 with ``X-Ratelimit-Retry`` seconds (WB knowledge base «Лимиты
запросов WB API», dev.wildberries.ru, 2026-04-03); Ozon wants ``Client-Id`` and ``Api-Key``
(``components.parameters`` of the pinned Ozon spec).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_random_exponential

from mpdesk import __version__
from mpdesk.adapters.http_client import new_client
from mpdesk.adapters.marketplaces.endpoints import Endpoint
from mpdesk.adapters.marketplaces.ratelimit import InProcessTokenBucket, RateLimiter
from mpdesk.domain.api_errors import (
    ApiBadResponseError,
    ApiForbiddenError,
    ApiNetworkError,
    ApiPaymentRequiredError,
    ApiRateLimitedError,
    ApiRequestRejectedError,
    ApiServerError,
    ApiUnauthorizedError,
)
from mpdesk.domain.credentials import Credentials, WbCredentials

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
#: a request that finished less than this past its slot leaves the bucket as it is
SETTLE_AFTER_S = 0.001


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    data: Any


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` per call; a 429 asking to wait longer than ``max_wait_s`` fails at once."""

    max_attempts: int = 5
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0
    max_wait_s: float = 120.0


class _Retryable(Exception):
    """A failed attempt worth another try, unless ``give_up`` (a 429 asking for too long)."""

    def __init__(
        self, status: int | None, retry_after: float | None, problem: str, give_up: bool = False
    ) -> None:
        super().__init__(problem)
        self.status = status
        self.retry_after = retry_after
        self.problem = problem
        self.give_up = give_up


def _worth_retrying(exc: BaseException) -> bool:
    return isinstance(exc, _Retryable) and not exc.give_up


def auth_headers(credentials: Credentials) -> dict[str, str]:
    if isinstance(credentials, WbCredentials):
        return {"Authorization": credentials.token}
    return {"Client-Id": credentials.client_id, "Api-Key": credentials.api_key}


def retry_after_seconds(headers: httpx.Headers, now: float) -> float | None:
    """Seconds to wait from ``X-Ratelimit-Retry`` or ``Retry-After`` (seconds or HTTP date)."""
    for name in ("X-Ratelimit-Retry", "Retry-After"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError, IndexError):
            continue
    return None


def _log_retry(endpoint: Endpoint, state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    problem = exc.problem if isinstance(exc, _Retryable) else type(exc).__name__
    log.warning(
        "%s: %s on attempt %d, retrying in %.1f s", endpoint.id, problem, state.attempt_number, wait
    )


def _detail(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if isinstance(data, dict):
        for key in ("message", "detail", "title", "errorText"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:200]
    return ""


class ApiTransport:
    """Calls for one set of credentials. ``base_url`` replaces every endpoint's host (tests)."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        limiter: RateLimiter | None = None,
        client: httpx.Client | None = None,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        headroom: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._credentials = credentials
        self._headroom = headroom
        self._clock = clock
        self._limiter: RateLimiter = limiter or InProcessTokenBucket()
        self._client = client or new_client(DEFAULT_TIMEOUT)
        self._base_url = base_url
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._backoff = wait_random_exponential(
            multiplier=self._policy.backoff_initial_s, max=self._policy.backoff_max_s
        )

    @property
    def marketplace(self) -> str:
        return self._credentials.marketplace

    def close(self) -> None:
        self._client.close()

    def pause(self, seconds: float) -> None:
        """Wait between calls that poll (an Ozon report being made)."""
        self._sleep(seconds)

    def url(self, endpoint: Endpoint, path_params: Mapping[str, object] | None = None) -> str:
        path = endpoint.path.format(**(path_params or {}))
        return (self._base_url or endpoint.base_url).rstrip("/") + path

    def call(
        self,
        endpoint: Endpoint,
        *,
        path_params: Mapping[str, object] | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
    ) -> Reply:
        attempts: list[int] = []
        retrying = self._retrying(endpoint)
        url = self.url(endpoint, path_params)
        try:
            return retrying(self._attempt, endpoint, url, params, json_body, attempts)
        except _Retryable as exc:
            raise self._exhausted(endpoint, exc, len(attempts)) from None

    def download(self, endpoint: Endpoint, url: str) -> Reply:
        """A file an answer linked to (an Ozon report on its CDN): ``GET url`` as given, paced
        and retried like a call, without the credentials (they belong to the API host only);
        ``Reply.body`` is the file's bytes, ``Reply.data`` is None."""
        if not url.startswith(("https://", "http://")):
            raise ApiBadResponseError(endpoint.marketplace, endpoint.id, "file_link")
        attempts: list[int] = []
        retrying = self._retrying(endpoint)
        try:
            return retrying(self._attempt, endpoint, url, None, None, attempts, True)
        except _Retryable as exc:
            raise self._exhausted(endpoint, exc, len(attempts)) from None

    def _retrying(self, endpoint: Endpoint) -> Retrying:
        """Retries of one call or download: on 429, 5xx and dropped connections, up to the
        policy's attempts, waiting as the marketplace asks (``Retry-After``) or backing off."""
        return Retrying(
            retry=retry_if_exception(_worth_retrying),
            stop=stop_after_attempt(self._policy.max_attempts),
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=lambda state: _log_retry(endpoint, state),
            reraise=True,
        )

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return exc.retry_after
        return float(self._backoff(state))

    def _exhausted(self, endpoint: Endpoint, exc: _Retryable, attempts: int) -> Exception:
        mp, ep = endpoint.marketplace, endpoint.id
        if exc.status == 429:
            return ApiRateLimitedError(mp, ep, attempts, round(exc.retry_after or 0))
        if exc.status is not None:
            return ApiServerError(mp, ep, exc.status, attempts)
        return ApiNetworkError(mp, ep, exc.problem, attempts)

    def _attempt(
        self,
        endpoint: Endpoint,
        url: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
        attempts: list[int],
        file: bool = False,
    ) -> Reply:
        attempts.append(1)
        bucket_key = f"{self.marketplace}:{self._credentials.fingerprint}:{endpoint.bucket}"
        limit = endpoint.limit.slower(self._headroom)
        reservation = self._limiter.reserve(bucket_key, limit)
        slot = self._clock() + reservation.wait_s
        if reservation.wait_s > 0:
            self._sleep(reservation.wait_s)
        headers = {"User-Agent": f"mpdesk/{__version__}"}
        if not file:
            headers.update(auth_headers(self._credentials))
        try:
            response = self._client.request(
                endpoint.method, url, params=params, json=json_body, headers=headers
            )
        except httpx.TransportError as exc:
            raise _Retryable(None, None, type(exc).__name__) from None
        except httpx.DecodingError:
            raise ApiBadResponseError(
                endpoint.marketplace, endpoint.id, "undecodable_body"
            ) from None
        finally:
            late = self._clock() - slot
            if late > SETTLE_AFTER_S:
                self._limiter.settle(bucket_key, limit, late)
        return self._reply(endpoint, response, file)

    def _reply(self, endpoint: Endpoint, response: httpx.Response, file: bool = False) -> Reply:
        mp, ep, status = endpoint.marketplace, endpoint.id, response.status_code
        if file and 200 <= status < 300:
            return Reply(status, response.content, None)
        if status == 204:
            return Reply(status, response.content, None)
        if 200 <= status < 300:
            try:
                data = json.loads(response.content)
            except ValueError:
                raise ApiBadResponseError(mp, ep, "invalid_json") from None
            return Reply(status, response.content, data)
        if status == 401:
            raise ApiUnauthorizedError(mp, ep)
        if status == 402:
            raise ApiPaymentRequiredError(mp, ep)
        if status == 403:
            raise ApiForbiddenError(mp, ep)
        wait = retry_after_seconds(response.headers, time.time())
        if status == 429:
            too_long = wait is not None and wait > self._policy.max_wait_s
            raise _Retryable(429, wait, "rate_limited", give_up=too_long)
        if status >= 500:
            raise _Retryable(
                status,
                wait if wait is not None and wait <= self._policy.max_wait_s else None,
                f"http_{status}",
            )
        raise ApiRequestRejectedError(mp, ep, status, _detail(response.content))
