"""Full-text search: Russian words to their dictionary forms."""

from __future__ import annotations

from typing import Protocol


class Lemmatizer(Protocol):
    def document(self, text: str) -> str:
        """Space-separated normal forms of the words of ``text``."""
        ...

    def keywords(self, text: str) -> str:
        """Space-separated most probable normal form of each word (one per word)."""
        ...
