"""Hypothesis strategies for fuzzing the OCPP-J codec and routers (issue 17, eis 69),
shared by the bounded tests (tests/pole_link/test_codec_fuzz.py) and the long run
(benchmarks/fuzz.py), so both fuzz the same inputs.

The arrays are what a broken or hostile peer sends: unknown actions, wrong message types,
ids that are not strings or too long, payloads with wrong types, numbers beyond any
integer type, and text that is not JSON at all.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from pole_link.protocol.messages import KNOWN_ACTIONS

HUGE = st.sampled_from([2**31, 2**63, 2**64 + 1, -(2**63) - 1, 10**400, 1e308, -1e308])
"""Numbers past every integer type a pole or a database holds."""

scalars = (st.none() | st.booleans() | st.integers() | HUGE
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))

FIELDS = st.sampled_from(["connectorId", "idTag", "type", "status", "key", "value",
                          "transactionId", "meterStart", "timestamp", "vendorId",
                          "messageId", "data", "errorCode", "listVersion", "location",
                          "chargePointVendor", "chargePointModel", "requestedMessage"])
json_values = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(FIELDS | st.text(max_size=8), children,
                                             max_size=4), max_leaves=12)
payloads = st.dictionaries(FIELDS | st.text(max_size=8), json_values, max_size=5)

actions = (st.sampled_from(sorted(KNOWN_ACTIONS)) | st.text(max_size=30)
           | st.sampled_from(["", "DataTransfer", "heartbeat", "Reset "]))
message_types = st.sampled_from([2, 3, 4]) | st.integers() | st.sampled_from(["2", None, 2.0])
FUZZ_ID = "f"
"""Fuzzed ids start with this (or are not strings), so they never clash with a probe's."""
ids = (st.text(max_size=40).map(lambda text: FUZZ_ID + text)) | scalars

vendor_calls = st.builds(
    lambda unique_id, message_id, data: [2, unique_id, "DataTransfer",
                                         {"vendorId": "paalwerk", "messageId": message_id,
                                          "data": data}],
    ids, st.sampled_from(["Hello", "LinkStats", "NoSuchMessage"]) | st.text(max_size=20),
    st.text(max_size=40) | json_values.map(json.dumps))
calls = st.builds(lambda t, i, a, p: [t, i, a, p], message_types, ids, actions,
                  payloads | json_values)
arrays = (calls | vendor_calls
          | st.lists(json_values, max_size=6)
          | st.builds(lambda i, c, d, x: [4, i, c, d, x], ids, st.text(max_size=20),
                      st.text(max_size=20) | scalars, json_values)
          | st.builds(lambda i, p: [3, i, p], ids, json_values))


def as_text(array: Any) -> str:
    """The array as JSON text (huge numbers included, as a peer could send them)."""
    return json.dumps(array)


not_json = st.binary(min_size=1, max_size=200).filter(lambda raw: b"\x00" not in raw) | \
    st.sampled_from([b"[2,", b'[2,"x","Heartbeat",{]', b"\xff\xfe", b"[]", b"{}", b"null",
                     b'[2,"x","Heartbeat",{}]]', b"[1e999999]", b'"\\ud800"'])
"""Bodies that are not a JSON array (or not JSON): never answerable, never fatal."""

messages = arrays.map(lambda array: as_text(array).encode()) | not_json
"""Any body a peer might put in one frame or one WebSocket message."""
