"""What every evaluation task shares: options, the result shape, dataset detection, progress.

A task module in ``newsprism.eval.tasks`` exposes ``DATASETS`` (the dataset names it scores)
and ``run(data: Path, dataset: str, opts: EvalOptions) -> EvalResult``. Gold labels are read
by the loaders and used only by the scorer; the system under test sees ``Article`` objects.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from newsprism.settings import DEFAULT, Settings

T = TypeVar("T")

TASK_MODULES: dict[str, str] = {
    "stories": "newsprism.eval.tasks.stories",
    "omissions": "newsprism.eval.tasks.omissions",
    "loaded": "newsprism.eval.tasks.loaded",
    "wordchoice": "newsprism.eval.tasks.wordchoice",
    "status": "newsprism.eval.tasks.status",
    "brief": "newsprism.eval.tasks.brief",
    "facts": "newsprism.eval.tasks.facts",
}


class EvalError(Exception):
    """A user error in an eval call (unknown task, wrong folder); the message says which."""


@dataclass
class EvalOptions:
    split: str | None = None  # restrict to one split ("dev", "train", "val", ...)
    limit: int | None = None  # score only the first N items (stories, triplets, articles...)
    baseline: bool = False  # run the task's trivial baseline instead of newsprism
    errors: int = 0  # collect up to this many worst cases for --errors
    progress: bool = True
    settings: Settings = field(default_factory=lambda: DEFAULT)


@dataclass
class EvalResult:
    task: str
    dataset: str
    n: int
    metrics: dict[str, Any]
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # per-stage seconds
    errors: list[str] = field(default_factory=list)  # worst cases, human-readable
    system: str = "newsprism"  # or the baseline's name

    def protocol(self) -> dict[str, Any]:
        """The JSON object of the evaluation protocol (DESIGN.md)."""
        return {
            "task": self.task,
            "dataset": self.dataset,
            "n": self.n,
            "metrics": self.metrics,
            "seconds": round(self.seconds, 3),
            "system": self.system,
            "stages": {k: round(v, 3) for k, v in self.stages.items()},
        }


class TaskModule(Protocol):
    DATASETS: set[str]

    def run(self, data: Path, dataset: str, opts: EvalOptions) -> EvalResult: ...


def detect_dataset(path: Path) -> str:
    """Recognise a dataset folder from its layout (any split of it)."""
    if (path / "topics").is_dir():
        return "ecbplus"
    if (path / "articles").is_dir() and (path / "annotations").is_dir():
        return "basil"
    if (path / "Annotations.csv").is_file() or (path / "1-raw-articles").is_dir():
        return "newswcl50"
    if (path / "articles").is_dir() and any(path.glob("*.labels")):
        return "ptc"
    if any(path.glob("*/*.conll")) and any((path / c).is_dir() for c in ("uw", "meantime")):
        return "factuality"
    if any(path.glob("*.source")):
        return "neus"
    if any(path.glob("basil_*.json")):
        return "facts"
    if any(_first_line(p).startswith("Quality\t") for p in path.glob("*.tsv")):
        return "mrpc"
    raise EvalError(
        f"{path}: not a dataset folder newsprism knows "
        "(expected the layout of basil, ecbplus, newswcl50, ptc, factuality, neus, facts or mrpc)"
    )


def _first_line(path: Path) -> str:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        return handle.readline()


def load_task(task: str) -> TaskModule:
    if task not in TASK_MODULES:
        raise EvalError(f"unknown task {task!r}; tasks: {', '.join(TASK_MODULES)}")
    module: TaskModule = importlib.import_module(TASK_MODULES[task])
    return module


def run_task(task: str, data: Path, opts: EvalOptions) -> EvalResult:
    """Detect the dataset, run the task on it and time the whole run."""
    if not data.is_dir():
        raise EvalError(f"{data}: no such folder")
    dataset = detect_dataset(data)
    module = load_task(task)
    if dataset not in module.DATASETS:
        scored = ", ".join(sorted(module.DATASETS))
        raise EvalError(f"task {task!r} does not score {dataset!r}; it scores {scored}")
    started = time.perf_counter()
    result = module.run(data, dataset, opts)
    result.seconds = time.perf_counter() - started
    return result


class Stages:
    """Accumulates per-stage wall time: ``with stages("parse"): ...``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str) -> _StageTimer:
        return _StageTimer(self, name)


class _StageTimer:
    def __init__(self, owner: Stages, name: str) -> None:
        self.owner, self.name, self.started = owner, name, 0.0

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        spent = time.perf_counter() - self.started
        self.owner.seconds[self.name] = self.owner.seconds.get(self.name, 0.0) + spent


def progress(items: Iterable[T], total: int | None, description: str, enabled: bool) -> Iterator[T]:
    """Iterate with a rich progress bar on stderr (items/s shown) when enabled."""
    if not enabled:
        yield from items
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    from rich.console import Console

    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        handle = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(handle)
