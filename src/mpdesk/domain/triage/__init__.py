"""Triage engine (pure): a seller's free text → marketplace, category, entities, event date,
missing checklist items.

Imports only the standard library, python-stdnum and ``mpdesk.domain``. Tokenisation and
lemmatisation come in through the ``TextAnalyzer`` protocol (analysis.py); keywords, phrases and
weights come in as a ``Lexicon`` (lexicon.py) loaded from ``knowledge/triage/lexicon.yaml``.
"""
