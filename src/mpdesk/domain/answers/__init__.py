"""Reading a marketplace support answer (pure): class, appeal number, requested items, credited
amount, and the proposed next step.

Imports only the standard library and ``mpdesk.domain``. Words, phrases, quote markers and
number formats come in as an ``AnswerLexicon`` (lexicon.py) loaded from
``knowledge/answers/lexicon.yaml``; the labels and tie-breaks follow
``shared/spec/answer-contract.md``.
"""
