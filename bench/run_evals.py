"""Run every evaluation task on its dev data, newsprism and baseline, and print a Markdown table.

Usage: .venv/bin/python bench/run_evals.py [--data ../shared/data] [--out docs/eval_results.json]
Each row is one `newsprism eval TASK --data DIR [--split S] [--baseline] --json` run, so every
number can be reproduced by the command printed beside it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

RUNS: list[tuple[str, str, str | None]] = [
    ("stories", "ecbplus", None),
    ("stories", "basil", None),
    ("stories", "neus", "val"),
    ("omissions", "ecbplus", None),
    ("omissions", "basil", None),
    ("loaded", "ptc", None),
    ("loaded", "basil", None),
    ("wordchoice", "newswcl50", None),
    ("status", "factuality", "dev"),
    ("brief", "neus", "val"),
    ("facts", "facts", None),
    ("facts", "mrpc", None),
]


def command(task: str, data: Path, split: str | None, baseline: bool) -> list[str]:
    cmd = ["newsprism", "eval", task, "--data", str(data), "--json", "-q"]
    if split:
        cmd += ["--split", split]
    if baseline:
        cmd.append("--baseline")
    return cmd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "eval_results.json")
    parser.add_argument("--only", default=None, help="run only this task")
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    if args.out.is_file():
        results = json.loads(args.out.read_text(encoding="utf-8"))
    for task, dataset, split in RUNS:
        if args.only and task != args.only:
            continue
        for baseline in (False, True):
            cmd = command(task, args.data / dataset, split, baseline)
            shown = " ".join(cmd).replace(str(args.data), "../shared/data")
            print(f"running: {shown}", file=sys.stderr, flush=True)
            done = subprocess.run(
                [str(ROOT / ".venv" / "bin" / cmd[0]), *cmd[1:]],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                print(done.stderr[-2000:], file=sys.stderr)
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            row["command"] = shown
            results = [r for r in results if r.get("command") != shown] + [row]
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
