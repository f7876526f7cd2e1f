"""Ozon compensation / decompensation reports and posting lookup against the pinned spec:
create the report, poll ``/v1/report/info`` until it is made, download the linked file."""

from __future__ import annotations

import pytest

from mpdesk.adapters.marketplaces.ozon import OzonClient
from mpdesk.adapters.marketplaces.ozon_reports import REPORT_POLLS, month_after, months
from mpdesk.adapters.marketplaces.transport import ApiTransport
from mpdesk.domain.api_errors import ApiBadResponseError, ApiForbiddenError
from tests.connectors.conftest import OZON_KEY, FakeTime
from tests.connectors.spec_server import SpecServer

COMPENSATION = "/v1/finance/compensation"
DECOMPENSATION = "/v1/finance/decompensation"
INFO = "/v1/report/info"
FBS_GET = "/v3/posting/fbs/get"
FBO_GET = "/v2/posting/fbo/get"


def queue_report(
    server: SpecServer, create: str, month: str, statuses: list[str], body: bytes | None = None
) -> bytes:
    """The answers for one month: the code, ``statuses`` of the report, then its file
    (``body``, else a stand-in)."""
    code = f"REPORT_{create.rsplit('/', 1)[-1]}_{month}"
    server.answer("POST", create, 200, {"result": {"code": code}})
    path = f"/files/{code}.xlsx"
    info = server.response_example("POST", INFO)["result"]
    for status in statuses:
        server.answer(
            "POST", INFO, 200, {"result": {**info, "code": code, "status": status,
                                           "file": server.url + path}},
        )  # fmt: skip
    body = body if body is not None else f"PK-{code}".encode()
    server.files[path] = body
    return body


def test_months_run_across_the_new_year() -> None:
    assert month_after("2026-12") == "2027-01"
    assert months("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert months("2026-11", "2026-10") == []


def test_compensation_reports_one_page_a_month_after_waiting_for_each(
    ozon_server: SpecServer, ozon_transport: ApiTransport, fake_time: FakeTime
) -> None:
    oct_file = queue_report(ozon_server, COMPENSATION, "2026-10", ["waiting", "success"])
    nov_file = queue_report(ozon_server, COMPENSATION, "2026-11", ["processing", "success"])

    pages = list(OzonClient(ozon_transport).compensation_reports("2026-10", "2026-11"))

    assert ozon_server.violations == []
    assert [p.body for p in pages] == [oct_file, nov_file]
    assert [p.data["month"] for p in pages] == ["2026-10", "2026-11"]
    assert [p.cursor for p in pages] == [{"month": "2026-11"}, None]
    creates = [body for _, path, _, body in ozon_server.seen if path == COMPENSATION]
    assert creates == [{"date": "2026-10", "language": "RU"}, {"date": "2026-11", "language": "RU"}]
    assert len(fake_time.sleeps) >= 2  # one pause before each repeated /v1/report/info
    # the CDN link gets no credentials
    assert all("Api-Key" not in headers for _, headers in ozon_server.downloads)
    assert all(OZON_KEY not in str(headers) for _, headers in ozon_server.downloads)


def test_decompensation_resumes_from_the_cursor_month(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    queue_report(ozon_server, DECOMPENSATION, "2026-11", ["success"])

    client = OzonClient(ozon_transport)
    pages = list(client.decompensation_reports("2026-09", "2026-11", cursor={"month": "2026-11"}))

    assert ozon_server.violations == []
    assert [p.data["month"] for p in pages] == ["2026-11"]


def test_a_failed_report_is_a_bad_response_naming_report_info(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    queue_report(ozon_server, COMPENSATION, "2026-11", ["failed"])
    with pytest.raises(ApiBadResponseError) as caught:
        list(OzonClient(ozon_transport).compensation_reports("2026-11", "2026-11"))
    assert caught.value.fields["problem"] == "report_failed"
    assert caught.value.fields["endpoint"] == "ozon.report_info"


def test_a_report_never_made_stops_polling(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    queue_report(ozon_server, COMPENSATION, "2026-11", ["waiting"] * REPORT_POLLS)
    with pytest.raises(ApiBadResponseError) as caught:
        list(OzonClient(ozon_transport).compensation_reports("2026-11", "2026-11"))
    assert caught.value.fields["problem"] == "report_not_ready"
    assert sum(1 for _, path, _, _ in ozon_server.seen if path == INFO) == REPORT_POLLS


def test_a_refused_report_raises_forbidden(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    ozon_server.answer("POST", COMPENSATION, 403, {"code": 7, "message": "denied"})
    with pytest.raises(ApiForbiddenError):
        list(OzonClient(ozon_transport).compensation_reports("2026-11", "2026-11"))


def test_posting_is_asked_as_fbs_then_as_fbo(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    ozon_server.answer("POST", FBS_GET, 404, {"code": 5, "message": "not found"})
    answer = ozon_server.response_example("POST", FBO_GET)
    answer["result"]["products"][0]["offer_id"] = "PS1033"
    ozon_server.answer("POST", FBO_GET, 200, answer)

    page = OzonClient(ozon_transport).posting("50520644-0012-7")

    assert ozon_server.violations == []
    assert page is not None and page.data["result"]["products"][0]["offer_id"] == "PS1033"
    asked = [(path, body["posting_number"]) for _, path, _, body in ozon_server.seen]
    assert asked == [(FBS_GET, "50520644-0012-7"), (FBO_GET, "50520644-0012-7")]


def test_an_unknown_posting_is_none(ozon_server: SpecServer, ozon_transport: ApiTransport) -> None:
    ozon_server.answer("POST", FBS_GET, 404, {"code": 5, "message": "not found"})
    ozon_server.answer("POST", FBO_GET, 404, {"code": 5, "message": "not found"})
    assert OzonClient(ozon_transport).posting("1-2-3") is None
