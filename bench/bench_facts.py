"""Benchmark: whole `newsprism compare` processes on stories of growing size.

Each run is a fresh process (model loading included, as a user pays it) comparing:
- ``examples``: the two bundled articles;
- ``triplet``: one BASIL triplet (the first in stream order) as three JSON inputs;
- ``forty``: 40 BASIL articles (the first 14 triplets' articles, cut at 40) as one story:
  the cost of a big story's comparison, whatever its articles are about.
Prints the median wall time of each and the median of each stage.

Usage: .venv/bin/python bench/bench_facts.py [--runs 3] [--data ../shared/data/basil]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsprism.eval.loaders.basil import load, user_record  # noqa: E402


def write_inputs(basil: Path, triplets: int, count: int, folder: Path) -> list[Path]:
    """The articles of the first ``triplets`` BASIL triplets (stream order), at most
    ``count``, as JSON inputs a user would give."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for item in load(basil, triplets)[:count]:
        path = folder / item.file
        path.write_text(json.dumps(user_record(item.article)), encoding="utf-8")
        paths.append(path)
    return paths


def run_once(inputs: list[str], out: Path) -> tuple[float, dict[str, float]]:
    command = [
        sys.executable,
        "-m",
        "newsprism.cli",
        "compare",
        *inputs,
        "--format",
        "html",
        "-o",
        str(out / "report.html"),
        "--no-db",
        "--profile",
        "--quiet",
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    stages: dict[str, float] = {}
    for line in done.stderr.splitlines():
        name, _, rest = line.partition(":")
        if rest.strip().endswith(" s"):
            try:
                stages[name.strip()] = float(rest.strip()[:-2])
            except ValueError:
                continue
    return wall, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "basil")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cases = {
            "examples": [str(ROOT / "examples")],
            "triplet": [str(p) for p in write_inputs(args.data, 1, 3, base / "triplet")],
            "forty": [str(p) for p in write_inputs(args.data, 14, 40, base / "forty")],
        }
        for name, inputs in cases.items():
            walls: list[float] = []
            per_stage: dict[str, list[float]] = {}
            for _ in range(args.runs):
                wall, stages = run_once(inputs, base)
                walls.append(wall)
                for stage, seconds in stages.items():
                    per_stage.setdefault(stage, []).append(seconds)
            shown = ", ".join(f"{s} {statistics.median(v):.2f}" for s, v in per_stage.items())
            print(
                f"{name}: {len(inputs)} input(s), whole process median "
                f"{statistics.median(walls):.2f} s over {args.runs} runs ({shown})"
            )


if __name__ == "__main__":
    main()
