"""Commands from an eMSP (issue 21, eis 61): START_SESSION and STOP_SESSION reach a
virtual pole as OCPP RemoteStart/RemoteStop; the partner gets a CommandResponse at once
and the pole's result POSTed to its response_url."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pole_link.sim.vehicles import EvType
from service.ocpi.models import CommandResponse, CommandResult
from service.ocpp.pole_handler import CsmsSettings
from tests.service.ocpi_emsp import Emsp, running_emsp
from tests.service.test_ocpi_locations import registered_emsp
from tests.support import connected_pole, running_service, until

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def results(emsp: Emsp, name: str) -> list[CommandResult]:
    return [CommandResult.model_validate(push.body) for push in emsp.pushes
            if push.path == f"commands/{name}"]


async def test_eis61_start_and_stop_session_commands_reach_the_pole_and_report_back(
        tmp_path: Path) -> None:
    settings = CsmsSettings(accept_unknown_id_tags=False)
    async with running_service(tmp_path, settings=settings) as api, running_emsp() as emsp:
        await registered_emsp(api, emsp)
        commands = emsp.cpo_url("commands", "RECEIVER")
        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as connected:
            pole = connected.pole
            pole.plug(1, EvType.EV3)
            response = await emsp.call("POST", f"{commands}/START_SESSION", body={
                "response_url": f"{emsp.base}/emsp/2.2.1/commands/start-1",
                "token": emsp.token("APP-USER-7", "ALLOWED"), "location_id": "PW-0001",
                "evse_uid": "PW-0001-1"})
            assert response.status_code == 200
            immediate = CommandResponse.model_validate(response.json()["data"])
            assert immediate.result == "ACCEPTED" and immediate.timeout > 0

            await until(lambda: bool(results(emsp, "start-1")))
            assert results(emsp, "start-1")[0].result == "ACCEPTED"
            await until(lambda: pole.socket(1).transaction is not None
                        and pole.socket(1).transaction.csms_id is not None)
            session_id = str(pole.socket(1).transaction.csms_id)  # type: ignore[union-attr]
            assert pole.socket(1).transaction.id_tag == "APP-USER-7"  # type: ignore[union-attr]

            stop = await emsp.call("POST", f"{commands}/STOP_SESSION", body={
                "response_url": f"{emsp.base}/emsp/2.2.1/commands/stop-1",
                "session_id": session_id})
            assert CommandResponse.model_validate(stop.json()["data"]).result == "ACCEPTED"
            await until(lambda: bool(results(emsp, "stop-1")))
            assert results(emsp, "stop-1")[0].result == "ACCEPTED"
            await until(lambda: pole.socket(1).transaction is None)

            # What cannot be done is said at once, in the envelope.
            unknown = await emsp.call("POST", f"{commands}/UNLOCK_CONNECTOR", body={
                "response_url": f"{emsp.base}/emsp/2.2.1/commands/unlock-1",
                "location_id": "PW-9999", "evse_uid": "PW-9999-1", "connector_id": "1"})
            assert unknown.status_code == 404 and unknown.json()["status_code"] == 2003
            gone = await emsp.call("POST", f"{commands}/STOP_SESSION", body={
                "response_url": f"{emsp.base}/emsp/2.2.1/commands/stop-2",
                "session_id": session_id})
            assert gone.json()["data"]["result"] == "UNKNOWN_SESSION"
            reserve = await emsp.call("POST", f"{commands}/RESERVE_NOW", body={})
            assert reserve.json()["data"]["result"] == "NOT_SUPPORTED"
