"""A text with several problems: the «Новое обращение» form names the other problems and saves
each, on request, as a separate draft built from the sentence that raises it (issue 15, item 2),
while the text stays in the form for the main appeal."""

from __future__ import annotations

import re

from tests.web_support import World, csrf_of, sign_in

#: a short acceptance (the main problem is the money asked back: tie-break 2) and a fine
TWO_PROBLEMS = (
    "Вайлдберриз, поставка 24567891: приняли 75 из 100, просим перепринять поставку. "
    "Кроме того, верните штраф 5000 руб, который удержали за отмену заказа 1187330245."
)
ONE_PROBLEM = "Wildberries: поставка 24567891 принята не полностью, не хватает 25 штук"


def _split_buttons(html: str) -> list[str]:
    return re.findall(r'formaction="/tickets/new/split"[^>]*value="([a-z_]+)"', html)


def test_other_problem_becomes_its_own_draft(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    token = csrf_of(client.get("/tickets/new").text)
    form = {"text": TWO_PROBLEMS, "csrf_token": token}

    analyzed = client.post("/tickets/new/analyze", data=form)
    assert analyzed.status_code == 200, analyzed.text
    assert 'id="other-problems"' in analyzed.text
    assert _split_buttons(analyzed.text) == ["acceptance"]
    main = re.search(r'<select id="category".*?</select>', analyzed.text, re.S)
    assert main is not None and 'value="finance" selected' in main.group(0)

    filled = {"text": TWO_PROBLEMS, "marketplace": "wb", "category": "finance",
              "csrf_token": token, "split_category": "acceptance"}  # fmt: skip
    saved = client.post("/tickets/new/split", data=filled)
    assert saved.status_code == 200, saved.text
    created = re.search(r'id="split-created">Черновик <a href="/tickets/(\d+)"', saved.text)
    assert created is not None, saved.text
    ticket_id = int(created.group(1))
    # the form keeps the whole text for the main appeal, and no second button for that problem
    assert "приняли 75 из 100" in saved.text and "верните штраф 5000" in saved.text
    assert _split_buttons(saved.text) == []
    assert f'<input type="hidden" name="split_done" value="acceptance:{ticket_id}">' in saved.text

    api = world.api_client(world.admin_token)
    ticket = api.get(f"/api/v1/tickets/{ticket_id}").json()
    assert (ticket["marketplace"], ticket["category"], ticket["status"]) == (
        "wb",
        "acceptance",
        "draft",
    )
    assert "перепринять" in ticket["description"] and "штраф" not in ticket["description"]
    assert {"type": "supply_id", "value": "24567891"} in ticket["identifiers"]
    assert not any(i["value"] == "1187330245" for i in ticket["identifiers"])


def test_one_problem_offers_no_split(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    token = csrf_of(client.get("/tickets/new").text)
    analyzed = client.post("/tickets/new/analyze", data={"text": ONE_PROBLEM, "csrf_token": token})
    assert analyzed.status_code == 200
    assert 'id="other-problems"' not in analyzed.text


def test_split_of_a_problem_the_text_does_not_raise_is_refused_in_russian(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    token = csrf_of(client.get("/tickets/new").text)
    refused = client.post(
        "/tickets/new/split",
        data={
            "text": ONE_PROBLEM,
            "marketplace": "wb",
            "category": "acceptance",
            "csrf_token": token,
            "split_category": "finance",
        },
    )
    assert refused.status_code == 422
    assert "В тексте больше нет такой проблемы" in refused.text
    assert ONE_PROBLEM in refused.text  # the text is kept
