"""The seller API clients for one set of credentials, built the same way for every caller.

``HttpMarketplaceApis`` implements the ``MarketplaceApis`` port: one ``ApiTransport`` per client
with the shared rate limiter (``PostgresTokenBucket`` on PostgreSQL, so every worker of an
installation paces the same token together; in process on SQLite).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from mpdesk.adapters.marketplaces.ozon import OzonClient
from mpdesk.adapters.marketplaces.ratelimit import RateLimiter
from mpdesk.adapters.marketplaces.transport import ApiTransport, RetryPolicy
from mpdesk.adapters.marketplaces.wb import RealizationApi, WbClient
from mpdesk.domain.credentials import Credentials, OzonCredentials, WbCredentials


class HttpMarketplaceApis:
    def __init__(
        self,
        limiter: RateLimiter,
        *,
        base_url: str | None = None,
        realization_api: RealizationApi = "finance",
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        headroom: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limiter = limiter
        self._headroom = headroom
        self._clock = clock
        self._base_url = base_url or None
        self._realization_api: RealizationApi = realization_api
        self._policy = policy
        self._sleep = sleep

    def _transport(self, credentials: Credentials) -> ApiTransport:
        return ApiTransport(
            credentials,
            limiter=self._limiter,
            base_url=self._base_url,
            policy=self._policy,
            sleep=self._sleep,
            headroom=self._headroom,
            clock=self._clock,
        )

    def wb(self, credentials: WbCredentials) -> WbClient:
        return WbClient(self._transport(credentials), self._realization_api)

    def ozon(self, credentials: OzonCredentials) -> OzonClient:
        return OzonClient(self._transport(credentials))
