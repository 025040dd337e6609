"""The byte-stream codec: PROTOCOL.md's frame format, counted drops, resynchronisation."""

from __future__ import annotations

import zlib

import pytest
from cobs import cobs
from hypothesis import given, settings
from hypothesis import strategies as st

from pole_link.errors import FrameError
from pole_link.protocol.frames import MAX_BODY, FrameDecoder, encode_frame

bodies = st.binary(min_size=1, max_size=600)


def test_frame_is_cobs_of_body_and_little_endian_crc_then_zero() -> None:
    body = b'[2,"1","Heartbeat",{}]'
    crc = zlib.crc32(body).to_bytes(4, "little")
    assert encode_frame(body) == cobs.encode(body + crc) + b"\x00"


def test_final_run_of_254_non_zero_bytes_gets_no_trailing_code_byte() -> None:
    body = bytes(range(1, 251))  # 250 bytes + 4 CRC bytes = 254 non-zero bytes if CRC has no 0
    crc = zlib.crc32(body).to_bytes(4, "little")
    assert 0 not in crc, "pick a body whose CRC has no zero byte"
    frame = encode_frame(body)
    assert frame[0] == 0xFF and len(frame) == 1 + 254 + 1


def test_empty_and_oversized_bodies_are_refused_when_encoding() -> None:
    with pytest.raises(FrameError):
        encode_frame(b"")
    with pytest.raises(FrameError, match="exceeds"):
        encode_frame(b"x" * (MAX_BODY + 1))
    assert FrameDecoder().feed(encode_frame(b"x" * MAX_BODY)) == [b"x" * MAX_BODY]


def test_bad_crc_is_counted_and_next_frame_still_decodes() -> None:
    decoder = FrameDecoder()
    good = encode_frame(b"[hello]")
    bad = bytearray(encode_frame(b"[world]"))
    bad[2] ^= 0x01 if bad[2] != 0x01 else 0x03
    assert decoder.feed(bytes(bad) + good) == [b"[hello]"]
    assert decoder.counters.crc_errors == 1
    assert decoder.counters.frames_in == 1


def test_garbage_is_dropped_and_counted() -> None:
    decoder = FrameDecoder()
    # 0x05 says "4 data bytes follow" but only 1 does before the delimiter: bad COBS.
    assert decoder.feed(b"\x05\x01\x00") == []
    assert decoder.counters.dropped == 1


def test_over_long_frame_is_dropped_without_buffering_it_all() -> None:
    decoder = FrameDecoder()
    decoder.feed(b"\x01" * 70_000)
    decoder.feed(b"\x01" * 70_000)
    assert decoder._pending == 0 and not decoder._pieces  # nothing of it is kept
    assert decoder.feed(b"\x00" + encode_frame(b"[ok]")) == [b"[ok]"]
    assert decoder.counters.dropped == 1


def test_lone_delimiters_are_not_frames() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"\x00\x00\x00") == []
    assert decoder.counters.dropped == 0


@given(st.lists(bodies, min_size=1, max_size=8), st.data())
def test_any_chunking_of_the_stream_yields_the_same_bodies(
    frames: list[bytes], data: st.DataObject
) -> None:
    stream = b"".join(encode_frame(body) for body in frames)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    decoder = FrameDecoder()
    received: list[bytes] = []
    start = 0
    for cut in [*cuts, len(stream)]:
        received += decoder.feed(stream[start:cut])
        start = cut
    assert received == frames
    assert decoder.counters.frames_in == len(frames)


@settings(max_examples=300)
@given(st.binary(max_size=2_000), bodies)
def test_no_input_crashes_the_decoder_or_desynchronises_it_past_the_next_delimiter(
    garbage: bytes, body: bytes
) -> None:
    decoder = FrameDecoder()
    decoder.feed(garbage)  # must not raise
    decoded = decoder.feed(b"\x00" + encode_frame(body))
    assert decoded[-1:] == [body]
    counters = decoder.counters
    assert counters.frames_in >= 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=300)
@given(st.one_of(json_values, st.lists(json_values, min_size=1, max_size=6)))
def test_no_json_crashes_the_message_parser(value: object) -> None:
    import json

    from ocpp.messages import Call, CallError, CallResult

    from pole_link.protocol import messages

    try:
        parsed = messages.parse(json.dumps(value))
    except messages.Unreadable:
        return
    except messages.Malformed as malformed:
        assert malformed.error.code in {"FormationViolation"}
        return
    assert isinstance(parsed, Call | CallResult | CallError)
