"""Benchmark: parsing the dictation protocol's recorded session (examples/dictation.session.jsonl)
with the generated module against hand-written pydantic v2 models of the same messages
(`model_validate_json` on a discriminated union: what a team writes by hand today), in one run.

    cargo run -p sockspec-cli -- gen examples/dictation.sockspec --target python --out target/bench-python
    .venv/bin/python crates/sockspec-codegen/benches/python_parse.py target/bench-python

Method: each parser reads every frame of the session (both directions) in a loop; the best
of 7 repeats of `timeit` is taken per parser and divided by the number of frames.
The generated parser takes a valid frame through its fast path (cheap scans for what
pydantic-core's reader does not check, then a strict pydantic-core schema of the protocol)
and runs its full check (the strict JSON reader and every error of DESIGN section 4) only
where the fast path bails; the hand-written models check much less (no duplicate keys, no
integer widths, lax `1.0` for ints, any ISO date-time). Rows: the generated parser; its fast
path's pydantic-core schema alone (no scans: not a parser by itself); its full check alone
(what a frame the fast path leaves costs). Numbers go to docs/performance.md."""

from __future__ import annotations

import datetime
import json
import sys
import timeit
import uuid
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, List, Literal, Optional, Tuple, Union

import pydantic
from pydantic import BaseModel, Field, TypeAdapter

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "target/bench-python")
import dictation  # noqa: E402  (the generated module)


# ---- the hand-written copy (as in the seeds: a pydantic daemon's own models) ----

class Mode(str, Enum):
    push_to_talk = "push_to_talk"
    continuous = "continuous"


class StartSession(BaseModel):
    type: Literal["start_session"]
    session_id: uuid.UUID
    timestamp: datetime.datetime
    mode: Mode = Mode.push_to_talk
    preferred_lang: Optional[str] = Field(default=None, min_length=2, max_length=8)


class StopSession(BaseModel):
    type: Literal["stop_session"]
    session_id: uuid.UUID
    timestamp: datetime.datetime


class AbortSession(BaseModel):
    type: Literal["abort_session"]
    session_id: uuid.UUID
    timestamp: datetime.datetime
    reason: Optional[str] = Field(default=None, max_length=200)


class SessionStarted(BaseModel):
    type: Literal["session_started"]
    session_id: uuid.UUID
    started_at: datetime.datetime
    model: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    sample_rate_hz: int = 16000


class InterimState(BaseModel):
    type: Literal["interim_state"]
    session_id: uuid.UUID
    state: Literal["listening", "decoding", "finalizing"]


class InterimText(BaseModel):
    type: Literal["interim_text"]
    session_id: uuid.UUID
    seq: int
    text: str
    stable: bool = False


class AudioLevel(BaseModel):
    type: Literal["audio_level"]
    session_id: uuid.UUID
    rms_db: float = Field(ge=-120.0, le=0.0)
    clipping: bool = False


class Word(BaseModel):
    text: str = Field(min_length=1)
    start_ms: int
    end_ms: int


class FinalResult(BaseModel):
    type: Literal["final_result"]
    session_id: uuid.UUID
    text: str
    words: List[Word] = []
    latency_ms: int
    audio_ms: int
    lang: Optional[str] = None
    confidence: float = Field(ge=0.0, le=1.0)


class SessionEnded(BaseModel):
    type: Literal["session_ended"]
    session_id: uuid.UUID
    reason: Literal["completed", "aborted", "timeout", "error"]
    ended_at: datetime.datetime


class Status(BaseModel):
    type: Literal["status"]
    state: Literal["idle", "listening", "transcribing", "loading"]
    model_loaded: bool
    uptime_s: int
    active_session: Optional[uuid.UUID] = None
    gpu: Optional[str] = None


class Error(BaseModel):
    type: Literal["error"]
    code: int
    message: str
    session_id: Optional[uuid.UUID] = None


Client = TypeAdapter(Annotated[Union[StartSession, StopSession, AbortSession], Field(discriminator="type")])
Server = TypeAdapter(Annotated[Union[SessionStarted, InterimState, InterimText, AudioLevel, FinalResult,
                                     SessionEnded, Status, Error], Field(discriminator="type")])


def main() -> None:
    session = Path(__file__).resolve().parents[3] / "examples" / "dictation.session.jsonl"
    frames = []
    for line in session.read_text(encoding="utf-8").splitlines():
        if line.strip():
            side = "client" if json.loads(line)["type"] in ("start_session", "stop_session", "abort_session") else "server"
            frames.append((side, line))
    # Both parsers accept every frame and agree on what it is.
    for side, frame in frames:
        ours = (dictation.parse_client_message if side == "client" else dictation.parse_server_message)(frame)
        theirs = (Client if side == "client" else Server).validate_json(frame)
        assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)

    parse_client, parse_server = dictation.parse_client_message, dictation.parse_server_message
    client, server = Client.validate_json, Server.validate_json

    def generated() -> None:
        for side, frame in frames:
            (parse_client if side == "client" else parse_server)(frame)

    def hand_written() -> None:
        for side, frame in frames:
            (client if side == "client" else server)(frame)

    def check_only() -> None:
        for side, frame in frames:
            dictation.check_frame(side, frame)

    fast_client, fast_server = dictation._FAST.validators["client"], dictation._FAST.validators["server"]
    assert fast_client is not None and fast_server is not None

    def schema_only() -> None:
        for side, frame in frames:
            (fast_client if side == "client" else fast_server)(frame)

    # Every frame takes the fast path (the full check runs only where it bails).
    for side, frame in frames:
        assert dictation._parse_fast(side, frame) is not None, frame

    n = 200
    results = {}
    for name, fn in [("hand-written pydantic (model_validate_json)", hand_written),
                     ("generated: parse_*_message", generated),
                     ("generated: fast path's schema alone", schema_only),
                     ("generated: full check alone (read + check)", check_only)]:
        best = min(timeit.repeat(fn, number=n, repeat=7))
        results[name] = best / (n * len(frames)) * 1e6
    base = results["hand-written pydantic (model_validate_json)"]
    print(f"{len(frames)} frames, {sum(len(f) for _, f in frames) / len(frames):.0f} bytes on average; "
          f"Python {sys.version.split()[0]}, pydantic {pydantic.VERSION}")
    for name, us in results.items():
        print(f"{name:45} {us:7.2f} us/frame  {us / base:5.2f}x")

    # Writing the same messages: the generated serialisers (the wire form: tags, time
    # encodings, null/omit policies) against pydantic's `model_dump_json` of the
    # hand-written models (their own form, which is not quite the wire's).
    generated_values: List[Tuple[str, Any]] = [
        (side, (parse_client if side == "client" else parse_server)(frame)) for side, frame in frames
    ]
    hand_values = [(client if side == "client" else server)(frame) for side, frame in frames]
    write_client, write_server = dictation.serialize_client_message, dictation.serialize_server_message

    def write_generated() -> None:
        for side, message in generated_values:
            (write_client if side == "client" else write_server)(message)

    def write_hand_written() -> None:
        for value in hand_values:
            value.model_dump_json()

    written = {}
    for name, fn in [("hand-written pydantic (model_dump_json)", write_hand_written),
                     ("generated: serialize_*_message", write_generated)]:
        written[name] = min(timeit.repeat(fn, number=n, repeat=7)) / (n * len(frames)) * 1e6
    base = written["hand-written pydantic (model_dump_json)"]
    for name, us in written.items():
        print(f"{name:45} {us:7.2f} us/frame  {us / base:5.2f}x")

    # Where the fast path's time goes, frame by frame: the whole fast parser, its
    # pydantic-core schema, the two counts of members that rule out repeated names
    # (docs/python.md, "The fast path"), and the scans a frame whose counts differ takes.
    def per_frame(fn: Callable[[], object]) -> float:
        return min(timeit.repeat(fn, number=n * 10, repeat=7)) / (n * 10) * 1e6

    print(f"\n{'frame':18} {'parse':>9} {'schema':>7} {'text count':>10} {'value count':>11} {'scans':>6}")
    rows = []
    for side, frame in frames:
        fast = dictation.parse_client_message if side == "client" else dictation.parse_server_message
        schema = fast_client if side == "client" else fast_server
        value = schema(frame)
        base = dictation._FAST.hot[side].get(type(value))
        assert base is not None or type(value).__name__ == "FinalResult", frame

        def value_count() -> int:
            return base + len(value.__pydantic_fields_set__)

        if base is None:  # a list of words inside: `_fast_finish` counts it
            counts = next(c.cell_contents for c in dictation._FAST.finish[side].__closure__ or ()
                          if isinstance(c.cell_contents, dict))
            count = counts[type(value)]

            def value_count() -> int:
                return len(value.__pydantic_fields_set__) + count.unseen + count.nested(value) + count.colons

        # The frames of the session have no colon but the date-times' (no `":` count).
        assert value_count() == frame.count(":"), frame
        rows.append([
            per_frame(lambda: fast(frame)),
            per_frame(lambda: schema(frame)),
            per_frame(lambda: frame.count(":")),
            per_frame(value_count),
            per_frame(lambda: dictation._scans(frame, True, False)),
        ])
        widths = (9, 7, 10, 11, 6)
        print(f"{json.loads(frame)['type']:18} " + " ".join(f"{x:{w}.2f}" for x, w in zip(rows[-1], widths)))
    mean = [sum(r[i] for r in rows) / len(rows) for i in range(5)]
    print(f"{'mean':18} " + " ".join(f"{x:{w}.2f}" for x, w in zip(mean, widths)))


if __name__ == "__main__":
    main()
