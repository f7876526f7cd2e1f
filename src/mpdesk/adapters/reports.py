"""HTML report renderer (Jinja2 with autoescaping) over ``knowledge/reports/<locale>/``.

Report templates are data like appeal templates: Russian text lives in the knowledge base, the
user directory overrides the shipped file of the same name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from mpdesk.domain.charts import Chart
from mpdesk.domain.errors import KnowledgeBaseError


class JinjaReportRenderer:
    def __init__(self, knowledge_dirs: Sequence[Path]) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d / "reports") for d in knowledge_dirs]),
            undefined=jinja2.StrictUndefined,
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # a chart is markup drawn by ``render_chart`` from an autoescaped template
        self.env.filters["svg"] = lambda value: Markup(value)

    def render_chart(self, chart: Chart) -> str:
        """A chart's ``<svg>``, from ``reports/charts/<template>.svg.j2`` (autoescaped)."""
        path = f"charts/{chart.template}.svg.j2"
        try:
            return self.env.get_template(path).render(chart=chart)
        except jinja2.TemplateError as exc:
            raise KnowledgeBaseError(path, getattr(exc, "lineno", "") or "", str(exc)) from exc

    def render_html(self, name: str, locale: str, context: Mapping[str, Any]) -> str:
        path = f"{locale}/{name}.html.j2"
        try:
            return self.env.get_template(path).render(**context)
        except jinja2.TemplateError as exc:
            raise KnowledgeBaseError(path, getattr(exc, "lineno", "") or "", str(exc)) from exc
