"""Reads a recorded dictation session (JSON Lines, frames from both sides) with the module
generated from `examples/dictation.sockspec`, prints what happened, and writes the
session back out frame by frame through the generated serialisers.

    sockspec gen examples/dictation.sockspec --target python --out examples/dictation/python
    python examples/dictation/python/session.py examples/dictation.session.jsonl written.jsonl

Exit status 1 when a frame is not a valid message (its errors are printed), or when a
frame written back means something else than the frame read.
"""

from __future__ import annotations

import json
import sys
from typing import List, Union

import dictation  # generated: never edited by hand

Message = Union[dictation.ClientMessage, dictation.ServerMessage]


def read(frame: str) -> tuple[str, Message]:
    """Which side sent a frame of the recording, and its typed value."""
    try:
        return "client", dictation.parse_client_message(frame)
    except dictation.InvalidFrame as from_client:
        try:
            return "server", dictation.parse_server_message(frame)
        except dictation.InvalidFrame as from_server:
            # Report the side whose errors say more than "no such tag".
            errors = from_server.errors if from_client.errors[0].code == "unknown_tag" else from_client.errors
            raise dictation.InvalidFrame(errors) from None


def describe(message: Message) -> str:
    match message:
        case dictation.StartSession(mode=mode, preferred_lang=lang):
            return f"start ({mode.value}, language {lang or 'detected'})"
        case dictation.SessionStarted(model=model, sample_rate_hz=rate):
            return f"started on {model} at {rate} Hz"
        case dictation.InterimText(seq=seq, text=text):
            return f"interim #{seq}: {text!r}"
        case dictation.AudioLevel(rms_db=level):
            return f"level {level:.0f} dBFS"
        case dictation.FinalResult(text=text, words=words, confidence=confidence):
            timed = ", ".join(f"{w.text}@{w.start_ms}ms" for w in words)
            return f"final {text!r} ({confidence:.0%}; {timed})"
        case dictation.SessionEnded(reason=reason):
            return f"ended: {reason.value}"
        case _:
            return type(message).__name__


def main(argv: List[str]) -> int:
    source = argv[1] if len(argv) > 1 else "examples/dictation.session.jsonl"
    target = argv[2] if len(argv) > 2 else None
    written: List[str] = []
    for number, line in enumerate(open(source, encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            side, message = read(line)
        except dictation.InvalidFrame as e:
            for error in e.errors:
                print(f"line {number}: {error.path or '(frame)'}: {error.code}: {error.message}", file=sys.stderr)
            return 1
        print(f"{side:6} {describe(message)}")
        if side == "client":
            text = dictation.serialize_client_message(message)  # type: ignore[arg-type]
        else:
            text = dictation.serialize_server_message(message)  # type: ignore[arg-type]
        # What is written back reads as the same message, with the defaults made explicit.
        again = dictation.parse_client_message(text) if side == "client" else dictation.parse_server_message(text)
        if again != message:
            print(f"line {number}: written back as {text}, which reads differently", file=sys.stderr)
            return 1
        written.append(text)
    if target is not None:
        with open(target, "w", encoding="utf-8") as out:
            out.writelines(frame + "\n" for frame in written)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
