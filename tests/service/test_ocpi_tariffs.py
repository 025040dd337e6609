"""Roaming tariffs set through the typed client (issue 21): fleet-wide and per pole,
energy per kWh, time per hour, a fee per session and VAT; partners read them with the VAT
in OCPI's price components; an out-of-range price is refused in a sentence and nothing
changes; every write is on the audit trail. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pole_link.service_api import ServiceClient, ServiceEndpoint, ServiceRefused
from pole_link.service_tariffs import TariffRecord
from service.ocpi.models import Tariff
from tests.service.ocpi_emsp import running_emsp
from tests.service.test_ocpi_locations import registered_emsp
from tests.support import Api, audited, postgres_schema, running_service


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    if request.param == "sqlite":
        async with running_service(tmp_path) as running:
            yield running
        return
    with postgres_schema() as url:
        async with running_service(tmp_path, url) as running:
            yield running


async def test_eis60_tariffs_set_by_the_admin_reach_partners_with_their_vat(
        api: Api) -> None:
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as admin, \
            running_emsp() as emsp:
        fleet = await admin.set_ocpi_tariff(TariffRecord(
            "FLEET", None, per_kwh=0.35, per_hour=0.5, flat=0.25, vat=21.0))
        assert (fleet.per_kwh, fleet.per_hour, fleet.flat, fleet.vat) == (0.35, 0.5, 0.25, 21)
        await admin.set_ocpi_tariff(TariffRecord("PW-0001-DAY", "PW-0001", per_kwh=0.29,
                                                 vat=21.0))

        with pytest.raises(ServiceRefused) as refused:
            await admin.set_ocpi_tariff(TariffRecord("FLEET", None, per_kwh=35.0, vat=21.0))
        assert refused.value.status == 422 and refused.value.code == "InvalidTariff"
        assert "The price per kWh must be between € 0.00 and € 2.00 excl. VAT; 35 is not" \
            in str(refused.value)
        with pytest.raises(ServiceRefused) as refused:
            await admin.set_ocpi_tariff(TariffRecord("FLEET", None, per_kwh=0.3, vat=210.0))
        assert "VAT must be between 0 and 27 %" in str(refused.value)

        listed = {tariff.id: tariff for tariff in await admin.ocpi_tariffs()}
        assert listed["FLEET"].per_kwh == 0.35  # the refused prices changed nothing
        assert listed["PW-0001-DAY"].location_id == "PW-0001"
        assert any("FLEET" in entry for entry in audited(
            api.service.services.repository.engine, "ocpi-tariff.set"))

        await registered_emsp(api, emsp)
        served = (await emsp.call("GET", emsp.cpo_url("tariffs"))).json()["data"]
        tariffs = {item["id"]: Tariff.model_validate(item) for item in served}
        components = tariffs["FLEET"].elements[0].price_components
        assert {(str(item.type), item.price, item.vat) for item in components} == {
            ("ENERGY", 0.35, 21.0), ("TIME", 0.5, 21.0), ("FLAT", 0.25, 21.0)}

        await admin.delete_ocpi_tariff("PW-0001-DAY")
        assert [tariff.id for tariff in await admin.ocpi_tariffs()] == ["FLEET"]
