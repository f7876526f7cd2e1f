"""Clients of the marketplaces' seller APIs (Wildberries, Ozon) on httpx.

May import ``mpdesk.domain``, httpx, tenacity and SQLAlchemy (the shared rate limiter). The clients
return raw pages (the bytes as received plus the parsed JSON) and a cursor to resume; storing them
as evidence and reading them with ``adapters/importers`` is the job of a later sync use case.
See ``docs/connectors.md``.
"""
