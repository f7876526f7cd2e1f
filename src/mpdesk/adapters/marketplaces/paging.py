"""Walk the pages of one listing: send a call, yield the page, derive the next call from it.

A ``Call`` is one request (endpoint, query, JSON body, path values). Its cursor form is a plain
dict; resuming from a cursor sends exactly the call that was next when the cursor was saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from mpdesk.adapters.marketplaces.endpoints import Endpoint
from mpdesk.adapters.marketplaces.pages import Cursor, Page
from mpdesk.adapters.marketplaces.transport import ApiTransport, Reply


@dataclass(frozen=True)
class Call:
    endpoint: Endpoint
    params: dict[str, Any] | None = None
    body: Any = None
    path: dict[str, Any] = field(default_factory=dict)

    def as_cursor(self) -> Cursor:
        return {
            "endpoint": self.endpoint.id,
            "params": self.params,
            "body": self.body,
            "path": self.path,
        }

    @classmethod
    def from_cursor(cls, cursor: Cursor, endpoints: Sequence[Endpoint]) -> Call:
        by_id = {endpoint.id: endpoint for endpoint in endpoints}
        endpoint_id = cursor.get("endpoint")
        if endpoint_id not in by_id:
            raise ValueError(f"cursor is for {endpoint_id!r}, expected one of {sorted(by_id)}")
        return cls(
            by_id[endpoint_id],
            cursor.get("params"),
            cursor.get("body"),
            dict(cursor.get("path") or {}),
        )


NextCall = Callable[[Call, Reply], Call | None]


def walk(
    transport: ApiTransport,
    first: Call,
    next_call: NextCall,
    cursor: Cursor | None = None,
) -> Iterator[Page]:
    """Yield every page from ``cursor`` (or ``first``) until ``next_call`` says there is no more."""
    call: Call | None = Call.from_cursor(cursor, [first.endpoint]) if cursor else first
    while call is not None:
        reply = transport.call(
            call.endpoint, path_params=call.path, params=call.params, json_body=call.body
        )
        following = next_call(call, reply)
        page = Page(
            endpoint=call.endpoint.id,
            status=reply.status,
            request=call.as_cursor(),
            body=reply.body,
            data=reply.data,
            cursor=following.as_cursor() if following else None,
        )
        del reply  # one page in memory at a time: not this one while the next is fetched
        yield page
        del page
        call = following
