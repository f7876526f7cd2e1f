"""The knowledge base and the Jinja2 renderers of appeals and reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from mpdesk.domain.charts import Chart
from mpdesk.domain.knowledge import KnowledgeBase


class KnowledgeSource(Protocol):
    def load(self) -> KnowledgeBase: ...


class TemplateRenderer(Protocol):
    def render(self, template_id: str, locale: str, context: Mapping[str, Any]) -> tuple[str, str]:
        """Return (subject, body)."""
        ...


class ReportRenderer(Protocol):
    def render_chart(self, chart: Chart) -> str:
        """The chart as a self-contained ``<svg>`` (every text escaped)."""
        ...

    def render_html(self, name: str, locale: str, context: Mapping[str, Any]) -> str:
        """Render ``reports/<locale>/<name>.html.j2`` with autoescaping."""
        ...
