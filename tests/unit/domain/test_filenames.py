"""``clean_filename``: base name only, invisible characters dropped, cut by UTF-8 bytes."""

from __future__ import annotations

from mpdesk.domain.filenames import FALLBACK, clean_filename


def test_path_parts_and_leading_dots_are_dropped() -> None:
    assert clean_filename("..\\..\\windows/../.bashrc") == "bashrc"
    assert clean_filename(None) == FALLBACK
    assert clean_filename("\u202e\u200b . ") == FALLBACK


def test_a_long_name_without_an_extension_is_cut_at_a_character_boundary() -> None:
    cleaned = clean_filename("ж" * 101)
    assert cleaned == "ж" * 100 and len(cleaned.encode()) == 200


def test_an_overlong_extension_is_cut_as_part_of_the_name() -> None:
    cleaned = clean_filename("a." + "x" * 300)
    assert len(cleaned.encode()) == 200 and cleaned.startswith("a.xxx")


def test_the_extension_survives_the_cut() -> None:
    assert clean_filename("я" * 127 + ".xlsx", max_bytes=20) == "я" * 7 + ".xlsx"
