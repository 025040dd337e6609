"""The router's fast paths give the answers the full checks give (issue 20).

Every OCPP message is first checked by a schema compiled per action (`compile_schema`) and
its keys converted from a memo (`to_snake_case`); only a payload the compiled check cannot
pass goes through jsonschema, which names the OCPP 1.6 error. A pole must get the same
CALLERROR, and a handler the same arguments, as from the library's own code.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.exceptions import OCPPError
from ocpp.messages import Call, CallResult
from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action, AuthorizationStatus, RegistrationStatus

from pole_link.protocol import messages, routing
from pole_link.protocol.routing import StrictChargePoint
from tests.fuzz_strategies import json_values

CI = settings(max_examples=300, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))

SAMPLED = [{"value": "1200", "measurand": "Energy.Active.Import.Register", "unit": "Wh",
            "context": "Sample.Periodic", "location": "Outlet", "format": "Raw"}]
SAMPLED += [{"value": "16.0", "measurand": "Current.Import", "phase": phase, "unit": "A",
             "context": "Sample.Periodic"} for phase in ("L1", "L2", "L3")]
VALID: dict[str, dict[str, Any]] = {
    "MeterValues": {"connectorId": 1, "transactionId": 7, "meterValue": [
        {"timestamp": "2026-03-01T18:00:00.000Z", "sampledValue": SAMPLED}]},
    "StatusNotification": {"connectorId": 2, "errorCode": "NoError", "status": "Charging",
                           "timestamp": "2026-03-01T18:00:00.000Z", "info": "x" * 50},
    "BootNotification": {"chargePointVendor": "Paalwerk", "chargePointModel": "PW-2",
                         "firmwareVersion": "2.4.1"},
    "StartTransaction": {"connectorId": 1, "idTag": "CARD-1", "meterStart": 0,
                         "timestamp": "2026-03-01T18:00:00.000Z"},
    "StopTransaction": {"transactionId": 7, "meterStop": 900, "reason": "Local",
                        "timestamp": "2026-03-01T18:00:00.000Z",
                        "transactionData": [{"timestamp": "2026-03-01T18:00:00.000Z",
                                             "sampledValue": SAMPLED[:1]}]},
    "Authorize": {"idTag": "CARD-1"},
    "DataTransfer": {"vendorId": "paalwerk", "messageId": "Live", "data": "{}"},
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a payload a value can be changed."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def broken_payloads(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A valid payload of one action with a few values replaced, keys dropped or added."""
    action = draw(st.sampled_from(sorted(VALID)))
    payload = copy.deepcopy(VALID[action])
    for _ in range(draw(st.integers(1, 3))):
        places = _paths(payload)[1:]
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent: Any = payload
        for step in path[:-1]:
            parent = parent[step]
        how = draw(st.sampled_from(["replace", "drop", "add"]))
        if how == "replace":
            parent[path[-1]] = draw(json_values | st.sampled_from(
                ["", "L1", "Sample.Clock", "Bogus", "x" * 51, 1.5, True, None, [], {}]))
        elif how == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "unit", "phase", "info"]))] = draw(json_values)
    return action, payload


def verdict(check: Any, message: Call) -> tuple[str, str] | None:
    """The OCPP error (code, description) a check raises for ``message``, or None."""
    try:
        check(message)
    except OCPPError as error:
        return error.code, error.description
    return None


@CI
@given(broken_payloads())
def test_a_broken_payload_gets_the_same_error_as_from_the_full_validation(
        case: tuple[str, dict[str, Any]]) -> None:
    action, payload = case
    payload = json.loads(json.dumps(payload))  # as received: JSON types only
    message = Call("x", action, payload)
    assert verdict(routing.validate, message) == verdict(messages.validate, message)


def test_every_valid_payload_passes_the_compiled_check_without_full_validation() -> None:
    """The shortcut is taken for what poles normally send (otherwise it saves nothing)."""
    for action, payload in VALID.items():
        assert routing._surely_valid(Call("x", action, payload), action), action
    answer = CallResult("x", {"currentTime": "2026-03-01T18:00:00.000Z", "interval": 900,
                              "status": "Accepted"})
    assert routing._surely_valid(answer, "BootNotification")


@CI
@given(json_values)
def test_keys_are_converted_as_the_library_converts_them(value: Any) -> None:
    assert routing.to_snake_case(value) == camel_to_snake_case(value)


SNAKE_KEYS = st.sampled_from(["current_time", "id_tag_info", "expiry_date", "soc",
                              "transaction_id", "status", "ocpp_csms_url", "x"])


@CI
@given(st.recursive(json_values, lambda children: st.dictionaries(
    SNAKE_KEYS | st.text(max_size=12), children, max_size=4), max_leaves=12))
def test_answer_keys_are_converted_as_the_library_converts_them(value: Any) -> None:
    assert routing.to_camel_case(value) == snake_to_camel_case(value)


@pytest.mark.parametrize("answer", [
    call_result.Heartbeat(current_time="2026-03-01T18:00:00.000Z"),
    call_result.BootNotification(current_time="2026-03-01T18:00:00.000Z", interval=900,
                                 status=RegistrationStatus.accepted),
    call_result.MeterValues(),
    call_result.StopTransaction(),
    call_result.StartTransaction(transaction_id=7, id_tag_info={
        "status": AuthorizationStatus.accepted, "expiry_date": None,
        "parent_id_tag": "P"}),
    call_result.DataTransfer(status="Accepted", data=None),
])
def test_an_answer_is_the_json_object_the_library_makes_of_it(answer: Any) -> None:
    expected = snake_to_camel_case(remove_nones(serialize_as_dict(answer)))
    made = routing.answer_payload(answer)
    assert made == expected
    assert json.dumps(made) == json.dumps(expected)  # an enum goes out as its value


class Csms(StrictChargePoint):
    @on(Action.meter_values)
    def on_meter_values(self, connector_id: int, meter_value: list[dict[str, Any]],
                        transaction_id: int | None = None) -> call_result.MeterValues:
        self.received = meter_value
        return call_result.MeterValues()


class Kept:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def send(self, text: str) -> None:
        self.sent.append(json.loads(text))

    async def recv(self) -> str:
        raise AssertionError("not read: frames are routed directly")


def meter_values(change: Any) -> str:
    payload = copy.deepcopy(VALID["MeterValues"])
    change(payload["meterValue"][0]["sampledValue"][1])
    return json.dumps([2, "m1", "MeterValues", payload])


@pytest.mark.parametrize(("frame", "code"), [
    (meter_values(lambda value: value.update(value=16.0)), "TypeConstraintViolation"),
    (meter_values(lambda value: value.update(phase=1)), "TypeConstraintViolation"),
    (meter_values(lambda value: value.update(measurand="Current")),
     "PropertyConstraintViolation"),
    (meter_values(lambda value: value.pop("value")), "OccurenceConstraintViolation"),
    (meter_values(lambda value: value.update(extra="1")), "FormationViolation"),
    ('[2,"m1","MeterValues",{"connectorId":1,"meterValue":[]}]', "PropertyConstraintViolation"),
    ('[2,"m1","MeterValues",{"connectorId":"1","meterValue":[]}]', "TypeConstraintViolation"),
    ('[2,"m1","MeterValues",[1]]', "FormationViolation"),
])
async def test_a_malformed_meter_values_gets_its_ocpp16_error(frame: str, code: str) -> None:
    """What a pole is answered, end to end through the router (issue 20 made the checks
    faster; the answers must not move)."""
    connection = Kept()
    csms = Csms("PW-0001", connection)
    await csms.route_message(frame)
    assert [answer[:3] for answer in connection.sent] == [[4, "m1", code]]
    assert not hasattr(csms, "received")


async def test_a_valid_meter_values_reaches_its_handler_in_snake_case() -> None:
    connection = Kept()
    csms = Csms("PW-0001", connection)
    await csms.route_message(json.dumps([2, "m2", "MeterValues", VALID["MeterValues"]]))
    assert connection.sent == [[3, "m2", {}]]
    assert csms.received[0]["sampled_value"][1] == {
        "value": "16.0", "measurand": "Current.Import", "phase": "L1", "unit": "A",
        "context": "Sample.Periodic"}


def test_objects_whose_keys_stay_as_they_are_are_copied_as_the_library_converts_them() -> None:
    """A sampled value's keys are one word each: once seen, such an object is copied whole
    (nested values still walked); the result is the library's, and never the payload's own
    object."""
    sampled = [{"value": "12.5", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
               {"value": "1", "context": None, "location": "Outlet", "format": "Raw"},
               {"value": "2", "unit": ["kWh"]},  # unchanged keys, a nested value
               {"value": "3", "unit": {"signedData": "x"}},
               {"value": "4", "measurandName": "y"}]  # a key the conversion changes
    payload = {"connectorId": 1, "transactionId": 7,
               "meterValue": [{"timestamp": "2026-03-01T18:00:00.000Z",
                               "sampledValue": sampled}]}
    for _ in range(2):  # the second time every key is known
        converted = routing.to_snake_case(payload)
        assert converted == camel_to_snake_case(json.loads(json.dumps(payload)))
        copies = converted["meter_value"][0]["sampled_value"]
        assert [list(value) for value in copies] == [
            list(sampled[0]), list(sampled[1]), ["value", "unit"], ["value", "unit"],
            ["value", "measurand_name"]]
        assert all(copy is not value for copy, value in zip(copies, sampled, strict=True))
        assert copies[3]["unit"] == {"signed_data": "x"}
