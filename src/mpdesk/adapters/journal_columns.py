"""Load ``knowledge/journal_columns.yaml`` (the header names of a journal table) under a strict
schema into ``domain.journal_table.JournalVocabulary``.

A user knowledge directory may hold its own copy: its keys are merged over the shipped ones
(``KnowledgeFiles.overlaid``). Errors name the file and the key path.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.domain.journal_table import FIELDS, JournalVocabulary
from mpdesk.domain.tickets import Status

RELATIVE = "journal_columns.yaml"


class JournalColumnsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, list[str]]
    statuses: dict[str, list[str]]

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown fields {', '.join(unknown)} (known: {', '.join(FIELDS)})")
        for field, names in value.items():
            if not names or any(not str(n).strip() for n in names):
                raise ValueError(f"{field}: every field needs non-empty names")
        return value

    @field_validator("statuses")
    @classmethod
    def _known_statuses(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - {s.value for s in Status})
        if unknown:
            raise ValueError(f"unknown statuses {', '.join(unknown)}")
        return value


def load_journal_vocabulary(files: KnowledgeFiles) -> JournalVocabulary:
    parsed = files.overlaid(RELATIVE, JournalColumnsFile)
    return JournalVocabulary(
        columns={f: tuple(str(n) for n in names) for f, names in parsed.columns.items()},
        statuses={s: tuple(str(w) for w in words) for s, words in parsed.statuses.items()},
    )
