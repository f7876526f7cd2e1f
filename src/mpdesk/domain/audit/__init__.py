"""Audits of marketplace reports: plain report rows in, findings out (pure rules).

Modules: ``rows`` (the rows the importers hand over), ``findings`` (finding, stable id, status
lifecycle), one module per rule family (``acceptance``, ``logistics``, ``penalties``, ``ozon``,
``compensation``),
``run`` (all rules over one audit's rows), ``columns`` (header normalisation) and ``deadline``.
Imports only the standard library and ``mpdesk.domain``.

The marketplaces' own vocabulary (operation names such as «Логистика сторно», Ozon operation
types) appears here as protocol values to match, not as UI text.
"""
