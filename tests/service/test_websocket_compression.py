"""A pole that offers permessage-deflate (the `ocpp` library's clients do) is served
compressed with a 2 KB window: compression kept for poles on metered mobile data, at
about 31 KB per connection instead of uvicorn's 50 KB (issue 20, docs/reconnect-storm.md).
"""

from __future__ import annotations

from websockets.asyncio.client import connect

from tests.service.test_csms_ocpp import BOOT, OCPP, call
from tests.support import Api


async def test_eis49_a_pole_offering_deflate_is_answered_compressed_with_a_small_window(
        api: Api) -> None:
    async with connect(f"{api.service.ocpp_url}/PW-ZIP", subprotocols=OCPP,
                       compression="deflate") as pole:
        assert pole.response is not None
        agreed = pole.response.headers["Sec-WebSocket-Extensions"]
        assert agreed.startswith("permessage-deflate")
        assert "server_max_window_bits=11" in agreed
        assert "client_max_window_bits=11" in agreed
        answer = await call(pole, [2, "b", "BootNotification", BOOT])
        assert answer[0] == 3 and answer[2]["status"] == "Accepted"  # type: ignore[index]


async def test_eis49_a_pole_without_compression_is_served_uncompressed(api: Api) -> None:
    async with connect(f"{api.service.ocpp_url}/PW-RAW", subprotocols=OCPP,
                       compression=None) as pole:
        assert pole.response is not None
        assert "Sec-WebSocket-Extensions" not in pole.response.headers
        answer = await call(pole, [2, "b", "BootNotification", BOOT])
        assert answer[0] == 3
