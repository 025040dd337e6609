"""The service-port codec and both OCPP routers fuzzed (issue 17, eis 69).

The codec (COBS + CRC frames, binary firmware frames, OCPP-J parsing) gets arbitrary bytes
and raises nothing but its documented errors, and a good frame after a delimiter is never
lost. The routers — the virtual pole's service port over a real pty, and the CSMS's pole
handler over a real WebSocket — get arbitrary OCPP-J arrays: every readable CALL is
answered (a CALLERROR when it is wrong), and the next good request is still answered.

Bounded for CI (derandomized, a few hundred examples); ``benchmarks/fuzz.py`` runs longer.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as ws_connect
from websockets.typing import Subprotocol

from pole_link.errors import FrameError
from pole_link.protocol import messages
from pole_link.protocol.binary import parse_binary
from pole_link.protocol.frames import FrameDecoder, encode_frame
from tests.conftest import ServedPole
from tests.fuzz_strategies import messages as fuzz_messages
from tests.support import Api, RawPort

CI = settings(max_examples=150, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
ROUTER = settings(CI, max_examples=80)
"""Each router example is a round trip over a real link: fewer of them."""

OCPP_ERRORS = {"NotImplemented", "NotSupported", "InternalError", "ProtocolError",
               "SecurityError", "FormationViolation", "PropertyConstraintViolation",
               "OccurenceConstraintViolation", "TypeConstraintViolation", "GenericError"}
"""OCPP 1.6's CALLERROR codes (section 4.2.3): nothing else may come back."""


# -- the codec ------------------------------------------------------------------------------

@CI
@given(fuzz_messages)
def test_eis69_any_body_parses_or_raises_the_documented_errors(body: bytes) -> None:
    try:
        parsed = messages.parse(body)
    except messages.Unreadable:
        return
    except messages.Malformed as malformed:
        assert malformed.error.code == "FormationViolation"
        return
    assert isinstance(parsed, messages.Call | messages.CallResult | messages.CallError)


@CI
@given(st.binary(max_size=300))
def test_eis69_any_binary_body_decodes_or_says_what_is_wrong(body: bytes) -> None:
    try:
        parse_binary(body)
    except FrameError as error:
        assert str(error)


bodies = st.binary(min_size=1, max_size=300)


@CI
@given(st.lists(st.tuples(st.binary(max_size=300), bodies), min_size=1, max_size=6),
       st.integers(min_value=1, max_value=64))
def test_eis69_garbage_between_frames_never_loses_the_next_good_frame(
        rounds: list[tuple[bytes, bytes]], chunk: int) -> None:
    """Garbage, a delimiter, a good frame — repeated, read in ``chunk``-byte pieces as a
    slow serial line delivers them: every good frame comes out, in order."""
    stream = b"".join(garbage + b"\x00" + encode_frame(body) for garbage, body in rounds)
    decoder = FrameDecoder()
    out: list[bytes] = []
    for start in range(0, len(stream), chunk):
        out += decoder.feed(stream[start:start + chunk])
    good = [body for _, body in rounds]
    assert [body for body in out if body in good][-len(good):] == good


# -- the routers ----------------------------------------------------------------------------

def _expect_answers(sent: bytes, answers: dict[Any, list[Any]]) -> None:
    """What came back for one fuzzed body: a readable CALL has exactly one answer, and an
    error answer carries an OCPP 1.6 code and a description."""
    try:
        parsed = messages.parse(sent)
    except messages.Unreadable:
        return
    except messages.Malformed as malformed:
        if malformed.answerable:
            answer = answers.get(malformed.unique_id)
            assert answer is not None and answer[0] == 4, (sent, answers)
            assert answer[2] == "FormationViolation"
        return
    if isinstance(parsed, messages.Call):
        answer = answers.get(parsed.unique_id)
        assert answer is not None, f"no answer to {sent!r}"
        assert answer[0] in (3, 4), answer
        if answer[0] == 4:
            assert answer[2] in OCPP_ERRORS and isinstance(answer[3], str), answer


def _fuzz_pole(raw: RawPort, examples: int) -> None:
    probes = iter(range(10**9))

    @settings(ROUTER, max_examples=examples)
    @given(fuzz_messages)
    def run(body: bytes) -> None:
        raw.write(encode_frame(body))
        probe = f"probe-{next(probes)}"
        raw.send_json([2, probe, "DataTransfer",
                       {"vendorId": "paalwerk", "messageId": "LinkStats", "data": "{}"}])
        answers: dict[Any, list[Any]] = {}
        while probe not in answers:
            message = raw.read_message(10)
            if isinstance(message, list) and message[0] == 2:  # a Live call: answer it
                raw.send_json([3, message[1], {"status": "Accepted"}])
            elif isinstance(message, list) and len(message) > 1:
                answers[message[1] if isinstance(message[1], str) else repr(message[1])] \
                    = message
        assert answers[probe][0] == 3, "the pole stopped answering after " + repr(body)
        _expect_answers(body, answers)

    run()


async def test_eis69_the_poles_service_port_answers_any_ocpp_array_and_stays_up(
        served_pole: ServedPole) -> None:
    raw = await asyncio.to_thread(RawPort, served_pole.path)
    try:
        await asyncio.to_thread(_fuzz_pole, raw, 80)
        hello = await asyncio.to_thread(raw.vendor, "Hello", {"client": "fuzz"})
        assert hello[0] == 3
    finally:
        raw.close()


def _answer_csms(websocket: ClientConnection, text: str) -> list[Any] | None:
    """A message from the CSMS; its own calls get a CALLERROR (this is no real pole)."""
    message = json.loads(text)
    if message[0] == 2:
        websocket.send(json.dumps([4, message[1], "NotImplemented", "fuzzing client", {}]))
        return None
    return list(message)


def _fuzz_csms(url: str, examples: int) -> None:
    probes = iter(range(10**9))
    with ws_connect(url, subprotocols=[Subprotocol("ocpp1.6")],
                    max_size=2**22) as websocket:

        @settings(ROUTER, max_examples=examples)
        @given(fuzz_messages)
        def run(body: bytes) -> None:
            try:
                websocket.send(body.decode())
            except UnicodeDecodeError:
                websocket.send(body)  # not text: a binary WebSocket message
            probe = f"probe-{next(probes)}"
            websocket.send(json.dumps([2, probe, "Heartbeat", {}]))
            answers: dict[Any, list[Any]] = {}
            while probe not in answers:
                message = _answer_csms(websocket, str(websocket.recv(timeout=10)))
                if message is not None:
                    answers[message[1]] = message
            assert answers[probe][0] == 3, "the CSMS stopped answering after " + repr(body)
            _expect_answers(body, answers)

        run()


async def test_eis69_the_csms_answers_any_ocpp_array_and_keeps_the_pole_connected(
        api: Api) -> None:
    await asyncio.to_thread(_fuzz_csms, f"{api.service.ocpp_url}/FUZZ-0001", 80)
    # each example ends with a Heartbeat answered on the same connection; the API is up too
    assert (await api.client.get("/api/v1/poles")).status_code == 200
