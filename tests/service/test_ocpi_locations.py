"""OCPI Locations from our poles (issue 21, eis 61): partners GET them paginated and
filtered, and an EVSE's status is pushed to the partner's receiver when a socket's status
changes — virtual poles over OCPP, the stand-in eMSP over real HTTP."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pole_link.sim.vehicles import EvType
from service.ocpi.models import Evse, Location
from tests.service.ocpi_emsp import Emsp, running_emsp
from tests.support import (
    Api,
    connected_pole,
    eventually,
    postgres_schema,
    running_service,
    until,
)

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


async def registered_emsp(api: Api, emsp: Emsp) -> None:
    registry = api.service.services.ocpi
    assert registry is not None
    _, token_a = await registry.invite("Stand-in eMSP")
    await emsp.register_with(f"{api.url}/ocpi/versions", token_a)


async def test_eis61_partners_page_through_our_locations_one_evse_per_socket(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api, running_emsp() as emsp, \
            contextlib.AsyncExitStack() as stack:
        for number in (1, 2, 3):
            await stack.enter_async_context(connected_pole(
                api.service.ocpp_url, tmp_path, f"PW-000{number}", start=NOW))
        await registered_emsp(api, emsp)
        url = emsp.cpo_url("locations")
        assert url == f"{api.url}/ocpi/2.2.1/locations"

        seen: list[Location] = []
        next_url: str | None = f"{url}?limit=2"
        pages = 0
        while next_url:
            response = await emsp.call("GET", next_url)
            assert response.status_code == 200
            assert response.headers["X-Total-Count"] == "3"
            assert response.headers["X-Limit"] == "2"
            seen += [Location.model_validate(item) for item in response.json()["data"]]
            link = response.headers.get("Link")
            next_url = link.split(">")[0].lstrip("<") if link else None
            pages += 1
        assert pages == 2
        assert sorted(location.id for location in seen) == ["PW-0001", "PW-0002", "PW-0003"]
        location = seen[0]
        assert (location.country_code, location.party_id) == ("NL", "PWK")
        assert location.publish is False  # no coordinates known yet: not shown to drivers
        assert [evse.uid for evse in location.evses or []] == [
            f"{location.id}-1", f"{location.id}-2"]
        plug = (location.evses or [])[0].connectors[0]
        assert (plug.standard, plug.format, plug.power_type, plug.max_amperage) == (
            "IEC_62196_T2", "SOCKET", "AC_3_PHASE", 32)

        # Filters: nothing changed after the last update; one EVSE on its own.
        later = (await emsp.call("GET", f"{url}?date_from=2100-01-01T00:00:00Z")).json()
        assert later["data"] == []
        one = await emsp.call("GET", f"{url}/PW-0002/PW-0002-2")
        assert Evse.model_validate(one.json()["data"]).status == "AVAILABLE"
        unknown = await emsp.call("GET", f"{url}/PW-9999")
        assert unknown.status_code == 404 and unknown.json()["status_code"] == 2003


async def test_eis61_an_evse_status_change_is_pushed_to_the_partner(tmp_path: Path) -> None:
    async with running_service(tmp_path) as api, running_emsp() as emsp:
        await registered_emsp(api, emsp)
        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as connected:
            emsp.pushes.clear()
            connected.pole.plug(1, EvType.EV3)
            await until(lambda: any(push.body and push.body.get("status") == "CHARGING"
                                    for push in emsp.pushes))
        push = next(push for push in emsp.pushes
                    if push.body and push.body.get("status") == "CHARGING")
        assert (push.method, push.path) == ("PATCH", "locations/NL/PWK/PW-0001/PW-0001-1")
        assert set(push.body) == {"status", "last_updated"}
        assert push.headers["ocpi-from-party-id"] == "PWK"
        assert push.headers["ocpi-to-party-id"] == "EMS"
        assert push.headers["x-request-id"] and push.headers["x-correlation-id"]


async def test_issue20_status_and_meter_events_are_built_only_while_someone_can_use_them(
        tmp_path: Path) -> None:
    """A storm's backlog is tens of thousands of StatusNotifications and MeterValues; on a
    service with no roaming partner and no feed client their events were built and offered
    for nobody. They are skipped then — and a partner registered here hears the very next
    status change, a feed client or a followed session (another process's eMSP) makes them
    built at once."""
    async with running_service(tmp_path) as api, running_emsp() as emsp, \
            connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as connected:
        services = api.service.services
        events, hub, profiles = services.pole_events, services.live_hub, services.ocpi_profiles
        assert profiles is not None
        await until(lambda: not events.listened_to)

        client = hub.join("operator")
        assert events.listened_to
        hub.leave(client)
        profiles.adopt({"session": 7, "partner": 1})  # as told by another process
        assert events.listened_to
        profiles.adopt({"session": 7, "partner": None})
        assert not events.listened_to

        async def stored(status: str) -> bool:
            poles = (await api.client.get("/api/v1/poles")).json()
            return bool(poles[0]["connectors"][1]["status"] == status)

        connected.pole.plug(1, EvType.EV3)
        await eventually(lambda: stored("Preparing"))  # stored while nobody listened
        await registered_emsp(api, emsp)
        assert events.listened_to
        connected.pole.unplug(1)
        await until(lambda: any(push.body and push.body.get("status") == "AVAILABLE"
                                for push in emsp.pushes))


async def test_eis61_a_location_set_by_the_operator_reaches_partners_with_its_coordinates(
        tmp_path: Path) -> None:
    """Issue 19's pole locations are what roaming partners show drivers: the address and the
    coordinates an operator typed (or imported), and ``publish`` only once they are known."""
    async with running_service(tmp_path) as api, running_emsp() as emsp, \
            connected_pole(api.service.ocpp_url, tmp_path, "PW-0001", start=NOW):
        await registered_emsp(api, emsp)
        url = f"{emsp.cpo_url('locations')}/PW-0001"
        before = Location.model_validate((await emsp.call("GET", url)).json()["data"])
        assert before.publish is False
        put = await api.client.put("/api/v1/poles/PW-0001/location", json={
            "address": "Kerkstraat 1", "postcode": "7411 AB", "city": "Deventer",
            "latitude": 52.2551, "longitude": 6.1639, "area_code": "ZW-12"})
        assert put.status_code == 200, put.text
        after = Location.model_validate((await emsp.call("GET", url)).json()["data"])
        assert after.publish is True
        assert (after.address, after.postal_code, after.city, after.country) == (
            "Kerkstraat 1", "7411 AB", "Deventer", "NLD")
        assert (after.coordinates.latitude, after.coordinates.longitude) == (
            "52.255100", "6.163900")


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_eis61_a_page_of_locations_is_chosen_by_the_database_in_a_stable_order(
        tmp_path: Path, database: str) -> None:
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_schema()) if database == "postgresql" else None
        async with running_service(tmp_path, url) as api, running_emsp() as emsp:
            repository = api.service.services.repository
            # Five poles, each last changed an hour after the one before, stored in
            # reverse so that the pole-id order (not the insert order) must hold.
            for number in (5, 4, 3, 2, 1):
                pole_id = f"PW-000{number}"
                repository.upsert_pole(pole_id)
                for socket in (1, 2):
                    repository.record_status(pole_id, socket, "Available", "NoError",
                                             NOW + timedelta(hours=number, minutes=socket))
            # PW-0003 changes again last: out of the window, and still in its place.
            repository.record_status("PW-0003", 1, "Charging", "NoError",
                                     NOW + timedelta(hours=9))
            await registered_emsp(api, emsp)
            locations = emsp.cpo_url("locations")

            # date_from inclusive, date_to exclusive: PW-0003's 21:00 is just outside.
            window = "date_from=2026-12-04T14:02:00Z&date_to=2026-12-04T21:00:00Z"
            first = await emsp.call("GET", f"{locations}?{window}&limit=2")
            assert first.headers["X-Total-Count"] == "3"  # PW-0002, PW-0004, PW-0005
            assert [item["id"] for item in first.json()["data"]] == ["PW-0002", "PW-0004"]
            link = first.headers["Link"].split(">")[0].lstrip("<")
            assert "date_from=" in link and "offset=2" in link
            second = await emsp.call("GET", link)
            assert [item["id"] for item in second.json()["data"]] == ["PW-0005"]
            assert "Link" not in second.headers

            everything = await emsp.call("GET", f"{locations}?offset=3&limit=10")
            assert everything.headers["X-Total-Count"] == "5"
            page = [Location.model_validate(item) for item in everything.json()["data"]]
            assert [item.id for item in page] == ["PW-0004", "PW-0005"]
            third = await emsp.call("GET", f"{locations}?offset=2&limit=1")
            [moved] = [Location.model_validate(item) for item in third.json()["data"]]
            assert moved.id == "PW-0003" and moved.last_updated == NOW + timedelta(hours=9)
            assert [evse.status for evse in moved.evses or []] == ["CHARGING", "AVAILABLE"]
