"""The layers of the code, checked: every module imports, no import cycle, no layer reaching
into one it must not know.

Imports are read with ``ast`` from every module under ``src/newsprism``, function-level ones
and ``if TYPE_CHECKING:`` ones included for the layer rules (a type is a dependency too);
cycles are looked for among the imports that run.

The layers, bottom up (docs/ARCHITECTURE.md): ``model`` and ``settings``; the store; the
stages (``ingest`` readers, the ingest ``engines`` that run them, ``analyze``, ``compare``,
``stories``, ``brief``, ``pipeline``); ``report``; ``eval`` and ``train`` beside each other
(sharing ``splits``); ``services``; the front ends ``cli`` and ``web``.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "newsprism"

FRONT_ENDS = ("newsprism.cli", "newsprism.web")
BELOW_FRONT_ENDS = (
    "newsprism.model",
    "newsprism.settings",
    "newsprism.config",
    "newsprism.splits",
    "newsprism.store",
    "newsprism.ingest",
    "newsprism.engines",
    "newsprism.analyze",
    "newsprism.compare",
    "newsprism.stories",
    "newsprism.brief",
    "newsprism.pipeline",
    "newsprism.report",
    "newsprism.eval",
    "newsprism.train",
    "newsprism.services",
)

# (a module under this, may not import a module under this, why). A prefix names a module
# and every module under it.
RULES: list[tuple[str, str, str]] = [
    ("newsprism.ingest", "newsprism.services", "ingest holds readers; services are built on it"),
    ("newsprism.ingest", "newsprism.engines", "ingest holds readers; the engines run them"),
    ("newsprism.engines", "newsprism.services", "a service picks an engine, never the reverse"),
    ("newsprism.store", "newsprism.report", "storage never depends on presentation"),
    *[
        ("newsprism.store", upper, "the store knows the model only")
        for upper in (
            "newsprism.ingest",
            "newsprism.analyze",
            "newsprism.compare",
            "newsprism.stories",
            "newsprism.pipeline",
            "newsprism.services",
        )
    ],
    ("newsprism.eval", "newsprism.train", "eval measures what train fits: splits.py is shared"),
    ("newsprism.train", "newsprism.eval.tasks", "train reads eval's datasets, never a task"),
    ("newsprism.web", "newsprism.cli", "one front end never imports the other"),
    ("newsprism.cli", "newsprism.web", "one front end never imports the other's internals"),
    ("newsprism.web", "newsprism.engines", "adding goes through services.adding"),
    # Inside the store: each table module works over the connection ``Store`` gives it and
    # never reaches up to the composition (``sqlite``, ``postgres``, ``open``).
    *[
        (table, composition, "a table module knows the connection, not the store made of it")
        for table in (
            "newsprism.store.articles",
            "newsprism.store.comparisons",
            "newsprism.store.stories",
            "newsprism.store.browse",
            "newsprism.store.values",
        )
        for composition in (
            "newsprism.store.sqlite",
            "newsprism.store.postgres",
            "newsprism.store.open",
        )
    ],
    # Inside the web app: view data is built below the routes and the job queue.
    *[
        (views, upper, "view data never depends on routing or on queueing jobs")
        for views in ("newsprism.web.views", "newsprism.web.outlets")
        for upper in (
            "newsprism.web.app",
            "newsprism.web.pages_read",
            "newsprism.web.api_read",
            "newsprism.web.pages_write",
            "newsprism.web.api_write",
            "newsprism.web.jobs",
            "newsprism.web.story_jobs",
        )
    ],
    ("newsprism.web.outlets", "newsprism.web.views", "the outlet directory is below the views"),
    # Outside the store, callers are typed against the protocols of ``store.base`` and get a
    # store from ``store.open``: SQLite or PostgreSQL is the store's own business.
    *[
        (caller, backend, "callers use store.base's protocols, not one backend")
        for caller in BELOW_FRONT_ENDS + FRONT_ENDS
        if caller != "newsprism.store"
        for backend in ("newsprism.store.sqlite", "newsprism.store.postgres")
    ],
    *[
        (lower, front, "only a front end shows output")
        for lower in BELOW_FRONT_ENDS
        for front in FRONT_ENDS
    ],
]

# Imports a rule allows by name: what a front end may start of the other (``newsprism serve``
# runs the web app).
ALLOWED: set[tuple[str, str]] = {
    ("newsprism.cli.serve", "newsprism.web.app"),
    ("newsprism.cli.serve", "newsprism.web.serving"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _internal(name: str) -> str | None:
    """The module of ours that ``name`` (a module, or a name in one) is, or None."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> dict[str, bool]:
    """Our modules ``module`` imports, each with whether the import runs (False: only under
    ``if TYPE_CHECKING:``)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for part in node.body for n in ast.walk(part))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, bool] = {}

    def add(name: str, node: ast.AST) -> None:
        target = _internal(name)
        if target is not None and target != module:
            found[target] = found.get(target, False) or id(node) not in typing_only

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            add(base, node)
            for alias in node.names:
                add(f"{base}.{alias.name}", node)
    return found


GRAPH: dict[str, dict[str, bool]] = {m: _imports(m) for m in MODULES}


@pytest.mark.parametrize("module", [m for m in MODULES if not m.endswith("__main__")])
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_the_rules_name_real_modules() -> None:
    for lower, upper, _ in RULES:
        for prefix in (lower, upper):
            assert any(_under(m, prefix) for m in MODULES), f"no module {prefix}"
    for importer, imported in ALLOWED:
        assert imported in GRAPH[importer], f"stale exception {importer} -> {imported}"


def test_no_layer_reaches_where_it_must_not() -> None:
    breaches = [
        f"{module} imports {target}: {why}"
        for module, targets in GRAPH.items()
        for target in targets
        for lower, upper, why in RULES
        if _under(module, lower)
        and _under(target, upper)
        and not _under(module, upper)  # a package's own modules may import each other
        and (module, target) not in ALLOWED
    ]
    assert not breaches, "\n".join(sorted(set(breaches)))


def test_no_import_cycle() -> None:
    """Tarjan's strongly connected components over the imports that run."""
    graph = {m: [t for t, runs in targets.items() if runs] for m, targets in GRAPH.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_checker_sees_function_level_imports() -> None:
    """A function-level import counts: ``cli.compare`` imports the compare service inside
    ``run``, and the checker must see it (a rule could otherwise be broken unseen)."""
    assert "newsprism.services.compare" in GRAPH["newsprism.cli.compare"]


def test_ingest_commands_run_the_ingest_service() -> None:
    """``newsprism ingest`` and ``watch`` hold no flow of their own: they call the ingest
    service, which picks the engine; the command never calls an engine's run itself."""
    graph = GRAPH["newsprism.cli.ingest"]
    assert "newsprism.services.ingest" in graph
    assert "newsprism.engines.local" not in graph


def test_only_a_front_end_reads_the_command_line() -> None:
    """Stages, engines and services take typed arguments; flags are parsed in ``cli/``."""
    readers = []
    for module in MODULES:
        if any(_under(module, front) for front in FRONT_ENDS):
            continue
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if "argparse" in names:
                readers.append(module)
    assert not readers, readers
