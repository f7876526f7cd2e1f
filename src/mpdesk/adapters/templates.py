"""Jinja2 renderer of appeal templates (``templates/<locale>/<id>.md.j2``).

A template defines two blocks, ``subject`` and ``body``; undefined variables are errors. Jinja2
is imported on the first render, so commands that render no letter (``mpdesk triage``) start
without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mpdesk.domain.errors import KnowledgeBaseError

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=32)
def _environment(search_path: tuple[str, ...]) -> jinja2.Environment:
    """One environment per search path for the process, so a template is compiled once
    (every bootstrap makes a renderer; the loader still sees an edited template)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(search_path)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class JinjaTemplateRenderer:
    def __init__(self, search_path: Sequence[Path]) -> None:
        self._search_path = tuple(str(p) for p in search_path)

    @property
    def env(self) -> jinja2.Environment:
        return _environment(self._search_path)

    def render(self, template_id: str, locale: str, context: Mapping[str, Any]) -> tuple[str, str]:
        import jinja2

        name = f"{locale}/{template_id}.md.j2"
        try:
            template = self.env.get_template(name)
            ctx = template.new_context(dict(context))
            subject = "".join(template.blocks["subject"](ctx)).strip()
            body = "".join(template.blocks["body"](ctx)).strip()
        except KeyError as exc:
            raise KnowledgeBaseError(name, str(exc), "block is missing") from exc
        except jinja2.TemplateError as exc:
            raise KnowledgeBaseError(name, getattr(exc, "lineno", "") or "", str(exc)) from exc
        body = "\n".join(line.rstrip() for line in body.splitlines())
        while "\n\n\n" in body:
            body = body.replace("\n\n\n", "\n\n")
        return " ".join(subject.split()), body
