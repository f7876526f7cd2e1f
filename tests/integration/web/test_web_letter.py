"""The ticket page shows the appeal letter composed from the facts: the seller's words cleaned
up and quoted (escaped), formatted money and dates, the same text as the preview."""

from __future__ import annotations

import html
import re

from tests.web_support import World, csrf_of, sign_in

SELLER = "вб не принял 3 шт.. на фбо, в лк статус <b>принято</b>, тп молчит"


def test_new_ticket_form_then_ticket_page_show_the_composed_letter(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    form = {
        "csrf_token": csrf_of(client.get("/tickets/new").text),
        "text": SELLER,
        "marketplace": "wb",
        "category": "acceptance",
        "shop_id": str(world.shop_a),
        "event_date": "2026-11-05",
        "id_supply_id": "24567891",
        "id_amount": "1235,5",
    }
    preview = client.post("/tickets/new/preview", data=form)
    assert preview.status_code == 200

    created = client.post("/tickets", data={**form, "action": "draft"})
    assert created.status_code == 303, created.text
    page = client.get(created.headers["location"])

    assert page.status_code == 200
    found = re.search(r'<pre class="appeal" id="appeal-body">(.*?)</pre>', page.text, re.S)
    assert found, "no letter on the ticket page"
    letter = html.unescape(found.group(1))
    assert "<h1>Расхождение при приёмке поставки № 24567891</h1>" in page.text
    assert "При приёмке поставки № 24567891 на складе Wildberries" in letter
    assert "- Дата приёмки: 05.11.2026" in letter
    assert "- Сумма: 1\u00a0235,50\u00a0₽" in letter
    assert (
        "Описание продавца:\n«Wildberries не принял 3 шт. на FBO, в личном кабинете статус "
        "<b>принято</b>, техподдержка молчит.»"
    ) in letter
    assert "<b>принято</b>" not in page.text  # the seller's markup is shown, never rendered
    assert "шт.." not in letter and "|" not in letter
    assert letter.rstrip().endswith("С уважением,\nМагазин А")
    previewed = re.search(r'<pre class="appeal" id="appeal-body">(.*?)</pre>', preview.text, re.S)
    assert previewed and html.unescape(previewed.group(1)) == letter
