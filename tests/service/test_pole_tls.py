"""eis 69 / issue 16: security profiles 2 (TLS + Basic) and 3 (mutual TLS).

The service serves ``wss://``/``https://`` with a certificate made here, issued by its own
CA (`service.security.ca`, as ``paalwerk service ca init`` makes it); the virtual pole
trusts that CA (``paalwerk sim --ca``), gets its own client certificate through
SignCertificate → CertificateSigned, and logs in with it at profile 3. Impostors are
refused at each profile. Real TLS on 127.0.0.1, SQLite and PostgreSQL.
"""

from __future__ import annotations

import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from websockets.exceptions import InvalidHandshake

from pole_link.sim.security import PoleSecurity
from service.security.ca import CaError, init_ca
from tests.service.security_support import (
    PASSWORD,
    basic,
    raw_pole,
    refused,
    secured_pole,
    tls_service,
    trusting,
    wall_now,
)
from tests.support import REPO, until

BACKENDS = ["sqlite", "postgresql"]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_eis69_profile_2_tls_and_basic_impostor_refused(tmp_path: Path,
                                                              backend: str) -> None:
    async with tls_service(tmp_path, backend) as (api, ca):
        assert api.service.ocpp_url.startswith("wss://")
        await api.client.post("/api/v1/poles", json={
            "id": "PW-0001", "securityProfile": 2, "basicAuthPassword": PASSWORD})
        url = f"{api.service.ocpp_url}/PW-0001"
        context = trusting(ca.certificate_pem())
        async with secured_pole(api.service.ocpp_url, tmp_path, profile=2, password=PASSWORD,
                                ca_pem=ca.certificate_pem()) as real:
            assert await refused(url, ssl_context=context) == 401
            assert await refused(url, basic("PW-0001", "wrong-password-0123456"),
                                 ssl_context=context) == 401
            pole = (await api.client.get("/api/v1/poles/PW-0001")).json()
            assert pole["vendor"] == "Paalwerk" and pole["connected"]
            answer = await api.client.post("/api/v1/poles/PW-0001/call", json={
                "action": "GetConfiguration", "payload": {"key": ["SecurityProfile"]}})
            assert answer.json()["result"]["configurationKey"][0]["value"] == "2"
            assert real.client.connections == 1
        # A client that does not trust the service's CA never gets as far as HTTP.
        with pytest.raises((ssl.SSLError, OSError, InvalidHandshake)):
            await refused(url, basic("PW-0001", PASSWORD),
                          ssl_context=ssl.create_default_context())


@pytest.mark.parametrize("backend", BACKENDS)
async def test_eis69_profile_3_mutual_tls_with_a_certificate_from_the_service_ca(
        tmp_path: Path, backend: str) -> None:
    async with tls_service(tmp_path, backend) as (api, ca):
        await api.client.post("/api/v1/poles", json={
            "id": "PW-0001", "securityProfile": 2, "basicAuthPassword": PASSWORD})
        url = f"{api.service.ocpp_url}/PW-0001"
        async with secured_pole(api.service.ocpp_url, tmp_path, profile=2, password=PASSWORD,
                                ca_pem=ca.certificate_pem()) as real:
            # At profile 2 the pole asks for a certificate (SignCertificate) and installs
            # the chain the service's CA signed (CertificateSigned).
            await until(lambda: real.pole.security.certificate is not None, timeout=20)
            raised = await api.client.put("/api/v1/poles/PW-0001/security",
                                          json={"securityProfile": 3})
            assert raised.status_code == 200, raised.text
            assert raised.json()["securityProfile"] == 3
            await until(lambda: real.client.connected and real.client.connections == 2,
                        timeout=30)
            assert real.pole.security.profile == 3
            certificate = real.pole.security.certificate
            assert certificate is not None
            # Impostors: the right password but no certificate; a genuine certificate of
            # another pole; a certificate from a CA the service does not know.
            assert await refused(url, basic("PW-0001", PASSWORD),
                                 ssl_context=trusting(ca.certificate_pem())) == 403
            other = PoleSecurity()
            csr = other.certificate_request("PW-0002")
            assert other.install_chain(ca.sign_request(csr, "PW-0002", wall_now()), "PW-0002")
            assert await refused(url, ssl_context=trusting(ca.certificate_pem(),
                                                           other.certificate)) == 403
            stranger = init_ca(tmp_path / "stranger", wall_now())
            forged = PoleSecurity()
            csr = forged.certificate_request("PW-0001")
            assert forged.install_chain(stranger.sign_request(csr, "PW-0001", wall_now()),
                                        "PW-0001")
            with pytest.raises((ssl.SSLError, OSError, InvalidHandshake)):
                async with raw_pole(url, ssl_context=trusting(ca.certificate_pem(),
                                                              forged.certificate)) as socket:
                    await socket.recv()
            assert real.client.connections == 2 and real.client.connected
        kinds = [e["type"] for e in
                 (await api.client.get("/api/v1/poles/PW-0001/security-events")).json()]
        assert kinds.count("CertificateRefused") == 2


def test_eis69_the_ca_signs_only_a_pole_s_own_name(tmp_path: Path) -> None:
    ca = init_ca(tmp_path / "ca", wall_now())
    pole = PoleSecurity()
    csr = pole.certificate_request("PW-0001")
    with pytest.raises(CaError, match="may only ask for 'PW-0002'"):
        ca.sign_request(csr, "PW-0002", wall_now())
    with pytest.raises(CaError, match="not a PEM"):
        ca.sign_request("garbage", "PW-0001", wall_now())
    with pytest.raises(CaError, match="holds a CA already"):
        init_ca(tmp_path / "ca", wall_now())


def test_eis69_paalwerk_service_ca_init_makes_the_ca_once(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "paalwerk", "service", "ca", "init",
               "--ca-dir", str(tmp_path / "ca")]
    first = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=60)
    assert first.returncode == 0 and "ca.pem" in first.stdout
    assert (tmp_path / "ca" / "ca-key.pem").stat().st_mode & 0o077 == 0
    again = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=60)
    assert again.returncode == 1 and "holds a CA already" in again.stderr
