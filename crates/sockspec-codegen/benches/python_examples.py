"""Benchmark: what the generated Python parser costs beyond its pydantic-core schema, on the
valid frames of every example protocol (`examples/*.vectors.jsonl`), one frame per message.

    for f in examples/*.sockspec; do
        cargo run -q -p sockspec-cli -- gen "$f" --target python --out target/bench-python-examples
    done
    .venv/bin/python crates/sockspec-codegen/benches/python_examples.py target/bench-python-examples [BASELINE]

With a second folder of modules generated from the same examples by another build (an
earlier commit's `sockspec gen`), its `parse_*_message` is timed too, in the same run, as
the baseline column.

For each message, the first valid vector of it: `parse_*_message` against the fast path's
pydantic-core schema alone (`_FAST.checks[side]`, which checks no repeated names, depth or
`NaN`), best of 7 x 2000 calls each, in the same run. A frame is "inlined" where its class
takes the count inlined in `parse_*_message` (`_FAST.hot`), "counted" where it takes the whole
count (`_fast_finish`: objects inside, guards to drop, `json` values). Frames the fast path
leaves to the full check are not timed. Numbers go to docs/performance.md."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import statistics
import sys
import timeit
from pathlib import Path


def load(folder: Path, name: str, alias: str) -> object:
    spec = importlib.util.spec_from_file_location(alias, folder / f"{name}.py")
    assert spec is not None and spec.loader is not None, folder / name
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "target/bench-python-examples")
    baseline = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    sys.path.insert(0, str(out))
    examples = Path(__file__).resolve().parents[3] / "examples"
    rows = []
    for vectors in sorted(examples.glob("*.vectors.jsonl")):
        schema = vectors.with_name(vectors.name.replace(".vectors.jsonl", ".sockspec")).read_text(encoding="utf-8")
        name = re.search(r"^protocol\s+(\w+)", schema, re.M)
        assert name is not None, vectors
        m = importlib.import_module(name.group(1))
        old = load(baseline, name.group(1), "baseline_" + name.group(1)) if baseline else None
        seen = set()
        for line in vectors.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            if case.get("expect") != "ok" or "answers" in case or case.get("is") in seen:
                continue
            seen.add(case.get("is"))
            side = case["from"]
            frame = case["raw"] if "raw" in case else json.dumps(case["message"])
            if m._parse_fast(side, frame) is None:
                continue  # left to the full check
            check, parse = m._FAST.checks[side], getattr(m, f"parse_{side}_message")
            inlined = type(check(frame)) in m._FAST.hot[side]
            schema_us = min(timeit.repeat(lambda: check(frame), number=2000, repeat=7)) / 2000 * 1e6
            parse_us = min(timeit.repeat(lambda: parse(frame), number=2000, repeat=7)) / 2000 * 1e6
            base_us = float("nan")
            if old is not None:
                before = getattr(old, f"parse_{side}_message")
                base_us = min(timeit.repeat(lambda: before(frame), number=2000, repeat=7)) / 2000 * 1e6
            rows.append((name.group(1), case["is"], inlined, len(frame), schema_us, parse_us, base_us))
    print(f"{'protocol':22} {'message':22} {'path':8} {'bytes':>5} {'schema':>7} {'parse':>7} {'extra':>6} "
          f"{'baseline':>8}")
    for proto, msg, inlined, size, s, p, b in rows:
        print(f"{proto:22} {msg:22} {'inlined' if inlined else 'counted':8} {size:5} {s:7.2f} {p:7.2f} {p - s:6.2f} "
              f"{b:8.2f}")
    for kind in (True, False):
        part = [(s, p, b) for _, _, inlined, _, s, p, b in rows if inlined is kind]
        if part:
            line = (f"{'inlined' if kind else 'counted'}: {len(part)} messages, extra median "
                    f"{statistics.median(p - s for s, p, _ in part):.2f} us, parse / schema median "
                    f"{statistics.median(p / s for s, p, _ in part):.2f}x")
            if baseline:
                line += (f", baseline extra median {statistics.median(b - s for s, _, b in part):.2f} us, "
                         f"baseline / schema median {statistics.median(b / s for s, _, b in part):.2f}x")
            print(line)


if __name__ == "__main__":
    main()
