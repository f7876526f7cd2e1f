import pytest

from mpdesk.domain.filetypes import extension_family, is_confirmed, sniff


@pytest.mark.parametrize(
    ("head", "members", "media_type"),
    [
        (b"\xff\xd8\xff\xe0rest", None, "image/jpeg"),
        (b"\x89PNG\r\n\x1a\nxxxx", None, "image/png"),
        (b"%PDF-1.7\n", None, "application/pdf"),
        (
            b"PK\x03\x04",
            ["[Content_Types].xml", "xl/workbook.xml"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (b"PK\x03\x04", ["photo.jpg"], "application/zip"),
        ("Номер поставки;Баркод\n1;2\n".encode(), None, "text/plain"),
        ("Номер поставки;Баркод\n".encode("cp1251"), None, "text/plain"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None, "application/octet-stream"),
    ],
)
def test_sniff_recognises_content(head: bytes, members: list[str] | None, media_type: str) -> None:
    assert sniff(head, members).media_type == media_type


def test_executable_named_jpg_is_not_confirmed() -> None:
    assert not is_confirmed("photo.jpg", sniff(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"))


def test_pdf_named_jpg_is_not_confirmed_but_pdf_named_pdf_is() -> None:
    pdf = sniff(b"%PDF-1.4")
    assert not is_confirmed("photo.jpg", pdf)
    assert is_confirmed("act.pdf", pdf)
    assert is_confirmed("act", pdf)


def test_extension_family_is_case_insensitive() -> None:
    assert extension_family("A.JPEG") == "image"
    assert extension_family("noext") is None
