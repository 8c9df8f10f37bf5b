"""Reading answers to requests with the generated Python modules (docs/performance.md,
"Answers"): `parse_server_answer(Request, frame)` against `parse_server_message(frame)`
(the baseline, the fast path) and the full check alone (`_CODEC.parse`), in the same run.

    cargo run -p sockspec-cli -- gen conformance/jsonrpc.sockspec --target python --out target/bench-answers
    cargo run -p sockspec-cli -- gen examples/home_assistant.sockspec --target python --out target/bench-answers
    .venv/bin/python crates/sockspec-codegen/benches/python_answers.py target/bench-answers
"""

import sys
import timeit

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "target/bench-answers")

import editor_rpc as rpc  # noqa: E402
import home_assistant as ha  # noqa: E402

STATE = '{"entity_id":"light.kitchen","state":"on","last_changed":"2025-01-14T09:30:00Z","attributes":{"b":200}}'
CASES = [
    ("editor_rpc: Initialize, a result of one json member", rpc, rpc.Initialize,
     '{"jsonrpc":"2.0","id":1,"result":{"capabilities":{"hoverProvider":true,"textDocumentSync":1}}}'),
    ("editor_rpc: HoverRequest, a Hover-or-null result", rpc, rpc.HoverRequest,
     '{"jsonrpc":"2.0","id":"h1","result":{"contents":"docs"}}'),
    ("home_assistant: GetStates, a typed reply of 3 states", ha, ha.GetStates,
     '{"id":19,"type":"result","success":true,"result":[' + ",".join([STATE] * 3) + "]}"),
]


def best(f: object, n: int = 3000) -> float:
    return min(timeit.repeat(f, number=n, repeat=7)) / n * 1e6  # type: ignore[arg-type]


print("| frame | parse_server_message (baseline) | full check alone | parse_server_answer | vs baseline |")
print("|---|---|---|---|---|")
for name, m, request, frame in CASES:
    answer = m.parse_server_answer(request, frame)
    assert answer.message == m.parse_server_message(frame) and answer.result is not None, name
    assert m._parse_fast("server", frame) is not None, f"{name}: the baseline takes the fast path"
    base = best(lambda: m.parse_server_message(frame))
    full = best(lambda: m._CODEC.parse("server", frame))
    read = best(lambda: m.parse_server_answer(request, frame))
    print(f"| {name} | {base:.1f} µs | {full:.1f} µs | {read:.1f} µs | {read / base:.1f}× |")
