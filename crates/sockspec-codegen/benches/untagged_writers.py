"""Benchmark: the generated Python serialiser on values of untagged unions, with and without
constraints (conformance/unions.sockspec's `Holder`).

    cargo run -p sockspec-cli -- gen conformance/unions.sockspec --target python --out target/bench-unions
    .venv/bin/python crates/sockspec-codegen/benches/untagged_writers.py target/bench-unions [OTHER ...]

Method: `serialize_server_message` on one `Holder` per case, 5000 calls per timing, 9
rounds, the best taken, per call in microseconds. The empty `Holder` is the baseline of the
same run (no union written). Given several folders (modules of two versions of the
generator, each generated into its own folder), the modules are timed in one process,
interleaved case by case, so that a busy machine slows them alike; a column per folder.
Numbers go to docs/performance.md."""

from __future__ import annotations

import importlib.util
import sys
import timeit
from typing import Any, Dict, List

folders = sys.argv[1:] or ["target/bench-unions"]
modules: List[Any] = []
for i, folder in enumerate(folders):
    spec = importlib.util.spec_from_file_location(f"unions_{i}", f"{folder}/unions.py")
    assert spec is not None and spec.loader is not None, folder
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    modules.append(module)


def cases(m: Any) -> Dict[str, Any]:
    return {
        "empty Holder (no union; baseline)": m.Holder(),
        "code: string | i64 (no constraint)": m.Holder(code="abc"),
        "widths: [u8 | (u32 @as(string))] ordered, 4 items (no constraint)": m.Holder(widths=[200, 300, 7, 70000]),
        "shape: Circle | Point | string ordered, a Circle (r @range)": m.Holder(shape=m.Circle(x=1.0, y=2.0, r=3.0)),
        "level: (i64 @range(0..=10)) | (i64 @as(string)) ordered, 5": m.Holder(level=5),
        "level: the same, 20 (the second variant)": m.Holder(level=20),
        "short_code: (string @len(2..)) | i64, \"ab\"": m.Holder(short_code="ab"),
    }


values = [cases(m) for m in modules]
best: Dict[str, List[float]] = {name: [float("inf")] * len(modules) for name in values[0]}
for _ in range(9):
    for name in best:
        for i, m in enumerate(modules):
            write, value = m.serialize_server_message, values[i][name]
            best[name][i] = min(best[name][i], timeit.timeit(lambda: write(value), number=5000) / 5000)
print("| case | " + " | ".join(folders) + " | written (last folder) |")
for name, times in best.items():
    text = modules[-1].serialize_server_message(values[-1][name])
    print(f"| {name} | " + " | ".join(f"{t * 1e6:.2f} µs" for t in times) + f" | `{text}` |")
