"""The seller's legal details of a shop and the parties of a pre-trial claim."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from tests.conftest import FROZEN_NOW
from tests.fakes import FakeClock, FakeFileStore, FakeUnitOfWork, fake_now

from mpdesk.adapters.table_files import FileTableWriter
from mpdesk.bootstrap import load_knowledge
from mpdesk.config import Settings
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.errors import UserInputError
from mpdesk.services import shop_legal
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.triage import TriageResources
from mpdesk.services.shops import add_shop


@pytest.fixture(scope="module")
def triage(tmp_path_factory: pytest.TempPathFactory) -> TriageResources | None:
    """The date reader's lexicon (dates are read by the one parser of what people type)."""
    home: Path = tmp_path_factory.mktemp("home")
    return load_knowledge(Settings(home=home, now=FROZEN_NOW, kb_dir=home / "kb"))[1].triage


@pytest.fixture
def ctx(kb, renderer, triage) -> ServiceContext:  # type: ignore[no-untyped-def]
    return ServiceContext(
        kb, renderer, FakeClock(fake_now()), FakeFileStore(), FakeUnitOfWork(), FileTableWriter(),
        triage=triage,
    )  # fmt: skip


def test_details_are_stored_once_per_shop_and_changed_field_by_field(ctx: ServiceContext) -> None:
    shop = add_shop(ctx, "Ромашка", "wb")
    shop_legal.update_shop_legal(
        ctx, OWNER, shop.id, {"name": "ООО «Ромашка»", "inn": "77 1200 0003", "ogrn": None}
    )
    item = shop_legal.update_shop_legal(
        ctx, OWNER, shop.id, {"ogrn": "1027700000008", "contract_date": "2025-03-01"}
    )
    assert item.legal.name == "ООО «Ромашка»"
    assert item.legal.inn == "7712000003"  # the spaces people type are dropped
    assert item.legal.contract_date == date(2025, 3, 1)
    assert item.missing == ["address", "contract_number"]
    again = shop_legal.get_shop_legal(ctx, OWNER, shop.id)
    assert again.legal == item.legal
    cleared = shop_legal.update_shop_legal(ctx, OWNER, shop.id, {"name": ""})
    assert cleared.missing[0] == "name"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"inn": "7704217371"}, "legal_inn_checksum"),
        ({"inn": "123"}, "legal_inn_length"),
        ({"ogrn": "1027739244742"}, "legal_ogrn_checksum"),
        ({"ogrn": "abc"}, "legal_ogrn_digits"),
        ({"inn": "7704217370", "ogrn": "304770000000008"}, "legal_kinds_disagree"),
        ({"address": "д" * 501}, "legal_too_long"),
        ({"kpp": "1"}, "legal_field_unknown"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_stored(
    ctx: ServiceContext, changes: dict[str, str], code: str
) -> None:
    shop = add_shop(ctx, "Ромашка", "wb")
    with pytest.raises(UserInputError) as err:
        shop_legal.update_shop_legal(ctx, OWNER, shop.id, changes)
    assert err.value.code == code
    message = ctx.message(err.value.code, **err.value.fields)
    assert message != code and "{" not in message
    assert shop_legal.get_shop_legal(ctx, OWNER, shop.id).missing == [
        "name",
        "inn",
        "ogrn",
        "address",
        "contract_number",
        "contract_date",
    ]


def test_contract_date_in_the_future_is_refused(ctx: ServiceContext) -> None:
    shop = add_shop(ctx, "Ромашка", "wb")
    tomorrow = (fake_now() + timedelta(days=2)).date().isoformat()
    with pytest.raises(UserInputError) as err:
        shop_legal.update_shop_legal(ctx, OWNER, shop.id, {"contract_date": tomorrow})
    assert err.value.code == "legal_date_future"
    assert err.value.fields["field"] == "Дата договора (принятия оферты)"


def test_parties_name_the_marketplace_entity_and_what_the_seller_must_fill_in(
    ctx: ServiceContext,
) -> None:
    shop = add_shop(ctx, "Озон-магазин", "ozon")
    shop_legal.update_shop_legal(ctx, OWNER, shop.id, {"inn": "771200000003"})
    with ctx.uow() as uow:
        parties, warning = shop_legal.parties_of(ctx, uow, shop)
    entity = ctx.kb.marketplaces["ozon"].legal
    assert entity is not None
    assert parties["marketplace_entity"]["inn"] == entity.inn
    assert parties["seller"]["ogrn_label"] == "ОГРНИП"  # a 12-digit ИНН: an entrepreneur
    assert warning is not None
    text = ctx.message(warning.code, **warning.fields)
    assert "Озон-магазин" in text and "Юридический адрес" in text and "ИНН," not in text
