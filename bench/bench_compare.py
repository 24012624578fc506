"""Benchmark: the whole comparison of the bundled examples, model loading included.

Runs `newsprism compare examples/ --profile` in fresh processes (so every run pays for
loading the models, as a user does) and prints the median time of each stage and of the
whole process. Usage: .venv/bin/python bench/bench_compare.py [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = re.compile(r"^\s*(?P<stage>[\w ]+):\s+(?P<seconds>[\d.]+) s$")


def run_once(out_dir: Path) -> tuple[float, dict[str, float]]:
    command = [
        sys.executable,
        "-m",
        "newsprism.cli",
        "compare",
        str(ROOT / "examples"),
        "--format",
        "html",
        "-o",
        str(out_dir / "report.html"),
        "--db",
        str(out_dir / "bench.db"),
        "--profile",
        "--quiet",
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    stages: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = STAGE.match(line)
        if match:
            stages[match["stage"].strip()] = float(match["seconds"])
    return wall, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    walls: list[float] = []
    per_stage: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            wall, stages = run_once(Path(tmp))
            walls.append(wall)
            for stage, seconds in stages.items():
                per_stage.setdefault(stage, []).append(seconds)
    print(f"runs: {args.runs}")
    print("| stage | median s |")
    print("|---|---|")
    for stage, values in per_stage.items():
        print(f"| {stage} | {statistics.median(values):.3f} |")
    print(f"| whole process (python start to exit) | {statistics.median(walls):.3f} |")


if __name__ == "__main__":
    main()
