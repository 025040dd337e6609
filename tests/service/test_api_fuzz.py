"""The operator API fuzzed from its own OpenAPI (issue 17, eis 69): schemathesis generates
requests for every route, valid ones and broken ones, and sends them over real HTTP to the
running service on 127.0.0.1, as the admin. No answer may be a server error, and answers
must be what ``/openapi.json`` promises. Without a token every operator route answers 401.

Bounded for CI (a few derandomized examples per route); ``benchmarks/fuzz.py`` runs longer.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks

from service.accounts.permissions import PERMISSIONS, PUBLIC
from tests.support import Api

EXAMPLES = 4
"""Per route and generation mode: ~90 routes x 2 modes x 2 databases in about 30 s."""

CHECKS = [checks.not_a_server_error, checks.response_schema_conformance,
          checks.content_type_conformance, checks.response_headers_conformance]
"""What every answer must satisfy. Left out, as noise rather than product faults:
``status_code_conformance`` (FastAPI documents only 200/422 while routes rightly answer
404/409/403 with the API's error body), ``negative_data_rejection`` and
``positive_data_acceptance`` (a path parameter such as a pole id is free text the schema
cannot tell from an unknown pole, and unknown headers are rightly ignored)."""

SKIPPED = {("POST", "/api/v1/auth/logout")}
"""Signing out would end the admin token the rest of the run is sent with (its own test is
in test_accounts.py)."""


@schemathesis.serializer("application/zip")
def _zip_body(_context: Any, value: Any) -> bytes:
    """A firmware package upload's body: whatever bytes were generated (a broken package)."""
    return value if isinstance(value, bytes) else str(value).encode()


def fuzz(base_url: str, token: str, spec: dict[str, Any], examples: int,
         seed_derandomize: bool = True) -> tuple[Counter[str], dict[str, str]]:
    """Run every operation of ``spec`` in both generation modes against ``base_url``: the
    status codes seen, and the first failure per ``METHOD path [mode]``.

    Runs in a thread: ``case.call`` is blocking and the service serves on the test's loop.
    """
    schema = schemathesis.openapi.from_dict(spec)
    statuses: Counter[str] = Counter()
    failures: dict[str, str] = {}
    headers = {"Authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            label = f"{operation.label} [{mode.value}]"

            @settings(max_examples=examples, deadline=None, derandomize=seed_derandomize,
                      database=None, suppress_health_check=list(HealthCheck),
                      phases=[Phase.explicit, Phase.generate])
            @given(operation.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                response = case.call(base_url=base_url, headers=headers, timeout=30)
                statuses[f"{response.status_code // 100}xx"] += 1
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                pass  # no invalid request exists for it (e.g. only free-text path parts)
            except BaseException as error:  # schemathesis: a FailureGroup (BaseExceptionGroup)
                if isinstance(error, KeyboardInterrupt):
                    raise
                failures[label] = str(error)[:2000]
    return statuses, failures


async def test_eis69_fuzzed_requests_get_no_server_error_and_the_documented_answer(
        api: Api) -> None:
    spec = (await api.client.get("/openapi.json")).json()
    statuses, failures = await asyncio.to_thread(fuzz, api.url, api.token, spec, EXAMPLES)
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
    assert statuses["5xx"] == 0
    assert statuses["2xx"] > 50, statuses  # the fuzzing got past the front door
    still = await api.client.get("/api/v1/auth/me")
    assert still.status_code == 200, "the run must not have ended the admin's own token"


OPERATOR_ROUTES = sorted(key for key, need in PERMISSIONS.items() if need != PUBLIC)


async def test_eis69_every_operator_route_without_a_valid_token_is_401(api: Api) -> None:
    """No token, a made-up token, or a password instead: 401 on every route the permission
    table does not mark public, whatever the body."""
    spec = (await api.client.get("/openapi.json")).json()
    documented = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert set(OPERATOR_ROUTES) <= documented
    answers = {}
    for authorization in (None, "Bearer not-a-token", "Basic YWRtaW46YWRtaW4="):
        headers = {} if authorization is None else {"Authorization": authorization}
        async with httpx.AsyncClient(base_url=api.url, timeout=20, headers=headers) as stranger:
            for method, path in OPERATOR_ROUTES:
                url = re.sub(r"\{[^}]+\}", "PW-0001", path)
                answer = await stranger.request(method, url,
                                                json=None if method == "GET" else {"name": "x"})
                answers[(authorization, method, path)] = answer.status_code
    assert {key: code for key, code in answers.items() if code != 401} == {}
    refused = await api.client.get("/api/v1/poles")
    assert refused.status_code == 200, "the admin is still let in"


async def test_eis69_numbers_past_the_databases_integers_are_a_422_not_a_500(api: Api) -> None:
    """What the fuzzing found: an id or page offset beyond INTEGER made the database driver
    raise (a 500); now the API names the parameter."""
    huge = 10**33
    for url in (f"/api/v1/firmware/rollouts/{huge}", f"/api/v1/audit.csv?offset={huge}",
                f"/api/v1/audit?offset={huge}", f"/api/v1/id-tags?offset={huge}",
                f"/api/v1/poles/PW-0001/logs/{huge}/file"):
        answer = await api.client.get(url)
        assert answer.status_code == 422, (url, answer.text)
    revoke = await api.client.delete(f"/api/v1/auth/tokens/{2**31}")
    assert revoke.status_code == 422
