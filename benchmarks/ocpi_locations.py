"""What a roaming partner's full Locations pull costs: a fleet of N poles (two sockets
each) paged through ``GET /ocpi/2.2.1/locations`` 100 at a time, as an eMSP does after
registering, and one EVSE read. Real service on 127.0.0.1, SQLite file (or ``--db``).

    .venv/bin/python benchmarks/ocpi_locations.py [--poles 1000] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.api.tokens import ensure_admin_token
from service.ocpi.partner_store import PartnerRow, PartnerStatus
from service.ocpi.secrets_box import authorization, token_hash
from service.server import start_service
from service.storage.models import Connector, Pole

T0 = datetime(2026, 12, 4, 12, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _fleet(engine: Engine, poles: int) -> None:
    """N poles with two Available sockets each, in one transaction (the fleet is the
    stage, not what is measured)."""
    with Session(engine) as session:
        session.add_all([Pole(id=f"PW-{number:05d}", registered_at=T0)
                         for number in range(poles)])
        session.flush()  # the poles before their sockets (foreign key)
        session.add_all([Connector(pole_id=f"PW-{number:05d}", connector_id=connector,
                                   status="Available", since=T0 + timedelta(seconds=number))
                         for number in range(poles) for connector in (1, 2)])
        session.commit()


async def main(poles: int, db_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        ensure_admin_token(folder / "tokens.json")
        service = await start_service(db_url or f"sqlite:///{folder / 'csms.sqlite'}",
                                      token_file=folder / "tokens.json",
                                      files_dir=folder / "files")
        try:
            services = service.services
            repository = services.repository
            await asyncio.to_thread(_fleet, repository.engine, poles)
            assert services.ocpi is not None
            await services.ocpi.partners.save(PartnerRow(
                name="bench", status=PartnerStatus.REGISTERED, token_hash=token_hash("b"),
                roles="[]", endpoints="[]", created_at=T0, updated_at=T0))
            url = f"http://127.0.0.1:{service.port}/ocpi/2.2.1/locations?limit=100"
            headers = {"Authorization": authorization("b")}
            async with httpx.AsyncClient(timeout=120) as client:
                start = time.perf_counter()
                pages = received = 0
                next_url: str | None = url
                while next_url:
                    response = await client.get(next_url, headers=headers)
                    received += len(response.json()["data"])
                    pages += 1
                    link = response.headers.get("Link")
                    next_url = link.split(">")[0].lstrip("<") if link else None
                full = time.perf_counter() - start
                middle = f"{url}&offset={poles // 2}"
                start = time.perf_counter()
                for _ in range(10):
                    await client.get(middle, headers=headers)
                page_ms = (time.perf_counter() - start) / 10 * 1000
                start = time.perf_counter()
                await client.get(url.split("?")[0] + "/PW-00001/PW-00001-1", headers=headers)
                one = time.perf_counter() - start
                # An eMSP's update pull: what changed since a moment (date_from), the
                # half of the fleet whose sockets changed after it, and only the newest 10.
                filtered = {
                    "date_from, half the fleet": f"{url}&offset={poles // 4}&date_from="
                    f"{_iso(T0 + timedelta(seconds=poles // 2))}",
                    "date_from, the newest 10": f"{url}&date_from="
                    f"{_iso(T0 + timedelta(seconds=poles - 10))}",
                    "date_to, the oldest 10": f"{url}&date_to="
                    f"{_iso(T0 + timedelta(seconds=10))}"}
                filtered_ms: dict[str, float] = {}
                for what, query in filtered.items():
                    start = time.perf_counter()
                    for _ in range(10):
                        response = await client.get(query, headers=headers)
                        assert response.status_code == 200, response.text
                    filtered_ms[what] = (time.perf_counter() - start) / 10 * 1000
            print(f"{poles} poles: full pull {received} locations in {pages} pages: "
                  f"{full:.2f} s ({full / pages * 1000:.0f} ms a page); a page from the "
                  f"middle: {page_ms:.0f} ms; one EVSE: {one * 1000:.1f} ms; load average "
                  f"{os.getloadavg()[0]:.2f}")
            for what, ms in filtered_ms.items():
                print(f"  a page filtered by {what}: {ms:.0f} ms")
        finally:
            await service.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--poles", type=int, default=1000)
    parser.add_argument("--db", default=None)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.poles, arguments.db))
