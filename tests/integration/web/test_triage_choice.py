"""When triage is unsure between two categories, the API says so and the «Новое обращение» form
asks the person instead of pre-filling a guess (the triage contract's `needs_confirmation`)."""

from __future__ import annotations

import re

from tests.web_support import World, csrf_of, sign_in

#: lost on the way to the warehouse and not paid for: delivery or money
UNSURE = "Товар потерялся при доставке на склад, компенсации нет"
SURE = "Wildberries: поставка 24567891 принята не полностью, не хватает 25 штук"


def test_api_says_when_it_is_unsure_and_what_to_ask(world: World) -> None:
    api = world.api_client(world.viewer_token)
    unsure = api.post("/api/v1/triage", json={"text": UNSURE}).json()
    assert unsure["needs_confirmation"] is True
    choice = {unsure["category"], unsure["category_alternatives"][0]}
    assert choice == {"logistics", "finance"}
    assert unsure["confirmation_question"].startswith("Это скорее ")
    assert "про деньги" in unsure["confirmation_question"]

    sure = api.post("/api/v1/triage", json={"text": SURE}).json()
    assert (sure["category"], sure["needs_confirmation"], sure["confirmation_question"]) == (
        "acceptance",
        False,
        "",
    )


def test_form_asks_instead_of_prefilling_a_guess(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    page = client.get("/tickets/new")
    token = csrf_of(page.text)

    def analyze(text: str) -> str:
        response = client.post("/tickets/new/analyze", data={"text": text, "csrf_token": token})
        assert response.status_code == 200, response.text
        return response.text

    asked = analyze(UNSURE)
    assert "Это скорее " in asked
    buttons = re.findall(r'data-choose-category="([a-z_]+)"', asked)
    assert set(buttons) == {"logistics", "finance"}
    category = re.search(r'<select id="category".*?</select>', asked, re.S)
    assert category is not None and " selected" not in category.group(0)

    told = analyze(SURE)
    assert "data-choose-category" not in told
    category = re.search(r'<select id="category".*?</select>', told, re.S)
    assert category is not None and 'value="acceptance" selected' in category.group(0)
