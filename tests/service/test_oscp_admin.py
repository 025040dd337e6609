"""Operators manage grid operators and grid groups (issue 22) through the one typed
client; what they set survives a restart, and the grid operator's token for us is sealed
in storage."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from pole_link.errors import PoleLinkError
from pole_link.service_api import ServiceClient, ServiceEndpoint
from service.oscp.provider import FlexibilityProvider
from service.oscp.store import KEY_FILE_NAME, OscpStore, load_or_create_key
from tests.oscp_support import capacity_provider
from tests.support import running_service

pytestmark = pytest.mark.asyncio


async def test_eis63_admin_adds_grid_operator_and_groups_poles_kept_across_restart(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api:
        for pole_id in ("PW-0001", "PW-0002", "PW-0003"):
            api.service.repository.upsert_pole(pole_id)
        async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
            added = await client.add_capacity_provider("enexis", "Enexis")
            assert added.record.state == "new" and len(added.token) > 30
            assert added.register_url == f"{api.url}/oscp/fp/2.0/register"
            async with capacity_provider(api.url, added.token) as cp:
                await cp.register()
                await cp.handshake(heartbeat_interval=60)
            [listed] = await client.capacity_providers()
            assert listed.state == "handshaken" and listed.base_url == cp.url
            await client.set_grid_group("PW-0001", "cable-7")
            assert await client.import_grid_groups(
                "pole_id,group\nPW-0002,cable-7\nPW-0003,transformer-2\n") == 2
            with pytest.raises(PoleLinkError, match="PW-0099"):
                await client.import_grid_groups("PW-0001,x\nPW-0099,cable-7\n")
            with pytest.raises(PoleLinkError, match="not known"):
                await client.set_grid_group("PW-0099", "cable-7")
            groups = {g.group: g for g in await client.grid_groups()}
            assert groups["cable-7"].poles == ("PW-0001", "PW-0002")
            assert groups["transformer-2"].poles == ("PW-0003",)
        with sa.create_engine(api.db_url).connect() as connection:
            stored = connection.execute(sa.text(
                "SELECT token_digest, their_token_sealed FROM oscp_partners")).one()
        assert added.token not in str(stored) and cp.token not in str(stored)
        assert cp.fp_token not in str(stored)
        # What a restarted service loads: the same database and key file.
        engine = sa.create_engine(api.db_url)
        try:
            fresh = FlexibilityProvider(api.url, api.service.services.clock, store=OscpStore(
                engine, load_or_create_key(tmp_path / KEY_FILE_NAME)))
            await fresh.load()
        finally:
            engine.dispose()
        partner = fresh.partners.by_id["enexis"]
        assert partner.their_token == cp.token  # unsealed: we can still reach it
        assert partner.state.value == "offline"  # until its next heartbeat
        assert fresh.groups.poles("cable-7") == ["PW-0001", "PW-0002"]
        async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
            await client.remove_capacity_provider("enexis")
            assert await client.capacity_providers() == []
