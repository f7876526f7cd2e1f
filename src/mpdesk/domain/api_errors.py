"""Errors of the marketplaces' seller APIs (Wildberries, Ozon) and of stored credentials.

Pure: imports only ``mpdesk.domain.errors``. Each error names the marketplace and the endpoint
(our stable endpoint id such as ``wb.realization_v5``), never the token or key. The Russian text
of each code lives in ``knowledge/messages.ru.yaml``.

MpdeskError
 └── MarketplaceApiError            a seller API call did not give usable data
      ├── ApiUnauthorizedError      401: the token / Api-Key is wrong, expired or revoked
      ├── ApiForbiddenError         403: the token lacks the API category of the endpoint
      ├── ApiPaymentRequiredError   402: the method needs a paid subscription
      ├── ApiRateLimitedError       429 after every retry (or a wait longer than allowed)
      ├── ApiServerError            5xx after every retry
      ├── ApiNetworkError           no answer: connection refused, timeout, broken transfer
      ├── ApiRequestRejectedError   another 4xx: the marketplace refused our request
      ├── ApiBadResponseError       the body is not the JSON the endpoint promises (truncated…)
      └── ApiSchemaDriftError       a field we rely on is missing or has another type
 CredentialsError                   credentials cannot be used (empty, malformed, unreadable)
 SecretKeyError                     the encryption key is missing, malformed or does not fit
"""

from __future__ import annotations

from typing import Any

from mpdesk.domain.errors import MpdeskError


class MarketplaceApiError(MpdeskError):
    """``fields``: marketplace (``wb``/``ozon``), endpoint (our id) and error specific ones."""

    code = "api_error"

    def __init__(self, marketplace: str, endpoint: str, **fields: Any) -> None:
        super().__init__(marketplace=marketplace, endpoint=endpoint, **fields)


class ApiUnauthorizedError(MarketplaceApiError):
    code = "api_unauthorized"


class ApiForbiddenError(MarketplaceApiError):
    code = "api_forbidden"


class ApiPaymentRequiredError(MarketplaceApiError):
    code = "api_payment_required"


class ApiRateLimitedError(MarketplaceApiError):
    """``fields``: attempts, retry_after (seconds the marketplace asked to wait; 0 if unknown)."""

    code = "api_rate_limited"

    def __init__(self, marketplace: str, endpoint: str, attempts: int, retry_after: int) -> None:
        super().__init__(marketplace, endpoint, attempts=attempts, retry_after=retry_after)


class ApiServerError(MarketplaceApiError):
    code = "api_server_error"

    def __init__(self, marketplace: str, endpoint: str, status: int, attempts: int) -> None:
        super().__init__(marketplace, endpoint, status=status, attempts=attempts)


class ApiNetworkError(MarketplaceApiError):
    """``fields``: problem (the transport error's class name, e.g. ``ConnectTimeout``)."""

    code = "api_network_failure"

    def __init__(self, marketplace: str, endpoint: str, problem: str, attempts: int) -> None:
        super().__init__(marketplace, endpoint, problem=problem, attempts=attempts)


class ApiRequestRejectedError(MarketplaceApiError):
    """``fields``: status, detail (the marketplace's own short explanation, may be empty)."""

    code = "api_request_rejected"

    def __init__(self, marketplace: str, endpoint: str, status: int, detail: str) -> None:
        super().__init__(marketplace, endpoint, status=status, detail=detail)


class ApiBadResponseError(MarketplaceApiError):
    code = "api_bad_response"

    def __init__(self, marketplace: str, endpoint: str, problem: str) -> None:
        super().__init__(marketplace, endpoint, problem=problem)


class ApiSchemaDriftError(MarketplaceApiError):
    """``fields``: field (dotted path of the missing or mistyped field), expected."""

    code = "api_schema_drift"

    def __init__(self, marketplace: str, endpoint: str, field: str, expected: str) -> None:
        super().__init__(marketplace, endpoint, field=field, expected=expected)


class CredentialsError(MpdeskError):
    """``fields``: marketplace, field (``token``, ``client_id``, ``api_key``), problem."""

    code = "credentials_invalid"

    def __init__(self, marketplace: str, field: str, problem: str) -> None:
        super().__init__(marketplace=marketplace, field=field, problem=problem)


class SecretKeyError(MpdeskError):
    """``fields``: problem (``missing``, ``malformed``, ``wrong_key``, ``unsafe_permissions``)."""

    code = "secret_key_invalid"

    def __init__(self, problem: str, source: str) -> None:
        super().__init__(problem=problem, source=source)
