import pytest

from mpdesk.domain.identifiers import IdType, normalize_identifier


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("NSK-CLASSIC-39", "NSK-CLASSIC-39"), ("NTB-1811-38", "NTB-1811-38"), ("N 123", "123"),
     ("No. 5", "5"), ("№ 5512", "5512"), ("#77", "77")],
)  # fmt: skip
def test_number_sign_is_stripped_but_codes_starting_with_n_are_kept(
    raw: str, expected: str
) -> None:
    assert normalize_identifier(IdType.VENDOR_CODE, raw) == expected
