"""The package's shape: subpackages by stage, imports one way, no cycles, no borrowed private names.

The import graph is read from the source (every ``import`` and ``from ... import``,
at module level or inside a function), not from what happens to be loaded.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "toolkit"

#: The data flow, lowest first: a module may import only its own layer and the layers before it.
#: ``present`` (number formatting and recorded numbers) depends on nothing of the analysis, and
#: the plan review phrases its proposals with it, so it sits below ``cycle``.
LAYERS = ("errors", "lazy", "sources", "priors", "spec", "capacity", "demand", "engine", "economics", "present",
          "cycle", "report", "batch", "cli", "")  # "" is the package root, the public API

#: Function-local imports of toolkit modules that are there on purpose, each for start-up time.
DEFERRED_IMPORTS = {
    ("toolkit", "toolkit.report.charts.forecast"):
        "`import toolkit` stays light; matplotlib loads only when a report kernel asks for its style",
    ("toolkit.cli", "*"):
        "each command loads only its own stack: `goalcheck check` and `--help` must not import the analysis",
    ("toolkit.batch.run", "toolkit.spec.client"):
        "the batch parent starts its workers before it pays for pydantic, pandas and scipy",
    ("toolkit.batch.run", "toolkit.present.record"):
        "the batch parent starts its workers before it pays for numpy and pandas",
    ("toolkit.batch.run", "toolkit.batch.portfolio"):
        "the portfolio's formatting imports pandas, not needed before the workers start",
    ("toolkit.report.export", "toolkit.present.record"):
        "the batch parent imports the exporter before its workers start; numpy and pandas can wait",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(target: str) -> str:
    """The module an import names: itself, or its nearest enclosing package we have."""
    while target not in MODULES and "." in target:
        target = target.rsplit(".", 1)[0]
    return target


def _imports(name: str, path: Path):
    """(imported toolkit module, imported names, is function-local, line) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def local(node) -> bool:
        while node in parents:
            node = parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return True
        return False

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "toolkit":
                    yield alias.name, (), local(node), node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "toolkit":
                continue
            names = tuple(a.name for a in node.names)
            yield module, names, local(node), node.lineno
            for imported in names:  # `from toolkit.report import charts` imports a module
                if f"{module}.{imported}" in MODULES:
                    yield f"{module}.{imported}", (), local(node), node.lineno
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy_exports" and name != "toolkit"
              and len(node.args) == 2 and isinstance(node.args[1], ast.Dict)):
            for key in node.args[1].keys:  # names that load on first use are imports all the same
                yield key.value, (), False, node.lineno


EDGES = {name: [(_resolve(m), names, is_local, line) for m, names, is_local, line in _imports(name, path)]
         for name, path in MODULES.items()}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_subpackage_and_top_level_module_has_a_layer():
    homes = {_layer(m) for m in MODULES}
    assert homes <= set(LAYERS), f"place {sorted(homes - set(LAYERS))} in LAYERS, in data-flow order"


def test_imports_flow_one_way():
    wrong = []
    for module, edges in EDGES.items():
        for target, _, _, line in edges:
            if LAYERS.index(_layer(target)) > LAYERS.index(_layer(module)):
                wrong.append(f"{MODULES[module].relative_to(ROOT)}:{line} imports {target} (a later stage)")
    assert not wrong, "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_no_import_cycle_between_modules():
    graph = {m: {t for t, *_ in edges if t != m} for m, edges in EDGES.items()}
    assert not _cycles(graph), "\n".join(" -> ".join(c) for c in _cycles(graph))


def test_no_import_cycle_between_packages():
    graph = defaultdict(set)
    for module, edges in EDGES.items():
        for target, *_ in edges:
            if _layer(target) != _layer(module):
                graph[_layer(module)].add(_layer(target))
    assert not _cycles(graph), "\n".join(" -> ".join(c) for c in _cycles(graph))


def test_function_local_imports_are_only_the_listed_start_up_deferrals():
    unlisted = []
    for module, edges in EDGES.items():
        for target, names, is_local, line in edges:
            if not is_local or target == "toolkit":
                continue
            if (module, "*") in DEFERRED_IMPORTS or (module, target) in DEFERRED_IMPORTS:
                continue
            unlisted.append(f"{MODULES[module].relative_to(ROOT)}:{line} imports {target} inside a function")
    assert not unlisted, "\n".join(unlisted) + "\nhoist them, or list them in DEFERRED_IMPORTS with the reason"


def test_the_listed_deferrals_still_exist():
    present = {(m, t) for m, edges in EDGES.items() for t, _, is_local, _ in edges if is_local}
    stale = [key for key in DEFERRED_IMPORTS if key[1] != "*" and key not in present]
    assert not stale, f"no longer deferred, drop from DEFERRED_IMPORTS: {stale}"


def _python_files():
    for folder in ("toolkit", "tests", "benchmarks"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_no_module_imports_another_modules_private_name():
    borrowed = []
    for path in _python_files():
        name = _module_name(path) if path.is_relative_to(PACKAGE) else path.stem
        for module, names, _, line in _imports(name, path):
            home_package = module.rsplit(".", 1)[0]
            private_module = any(part.startswith("_") and not part.startswith("__") for part in module.split("."))
            if private_module and not name.startswith(home_package + "."):
                borrowed.append(f"{path.relative_to(ROOT)}:{line} imports the private module {module}")
            borrowed += [f"{path.relative_to(ROOT)}:{line} imports {module}.{n}" for n in names
                         if n.startswith("_") and not n.startswith("__")]
    assert not borrowed, "\n".join(borrowed)


SUBPACKAGES = sorted(m for m, p in MODULES.items() if p.name == "__init__.py" and m != "toolkit")


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_each_subpackage_says_what_it_answers_and_exports_what_it_lists(package):
    module = importlib.import_module(package)
    assert module.__doc__ and len(module.__doc__.split()) >= 8, f"{package}: a docstring saying what it answers"
    for name in getattr(module, "__all__", ()):
        assert getattr(module, name) is not None, f"{package}.{name}"


#: Paths that notebooks, scripts and issues name: they keep working from the new homes.
CONTRACT_PATHS = [
    ("toolkit", "simulate_paths", "toolkit.engine.paths"),
    ("toolkit", "assess_goal", "toolkit.engine.assess"),
    ("toolkit", "load_client", "toolkit.spec.client"),
    ("toolkit", "estimate_market", "toolkit.capacity.market"),
    ("toolkit", "analyse_client", "toolkit.report.analysis"),
    ("toolkit", "record", "toolkit.present.record"),
    ("toolkit.funnel", "required_volumes", "toolkit.economics.funnel"),
    ("toolkit.sources.trends", "read_trends_csv", "toolkit.sources.trends"),
    ("toolkit.sources.keywords", "read_keywords", "toolkit.sources.keywords"),
    ("toolkit.demand", "seasonal_index", "toolkit.demand.shape"),
    ("toolkit.paths", "simulate_paths", "toolkit.engine.paths"),
    ("toolkit.assess", "milestones", "toolkit.engine.assess"),
    ("toolkit.capacity", "estimate_client", "toolkit.capacity.market"),
    ("toolkit.economics", "lever_scenarios", "toolkit.economics.levers"),
    ("toolkit.economics", "assess_expediency", "toolkit.economics.unit"),
    ("toolkit.spec", "Goal", "toolkit.spec.client"),
    ("toolkit.report", "horizon_for", "toolkit.engine.horizon"),
    ("toolkit.batch", "run_batch", "toolkit.batch.run"),
    ("toolkit.plan", "make_plan", "toolkit.cycle.plan"),
    ("toolkit.progress", "review_client", "toolkit.cycle.review"),
    ("toolkit.uncertain", "Range", "toolkit.priors.ranges"),
]


@pytest.mark.parametrize(("path", "name", "home"), CONTRACT_PATHS)
def test_contract_paths_keep_working(path, name, home):
    assert getattr(importlib.import_module(path), name) is getattr(importlib.import_module(home), name)


def test_every_former_flat_module_is_the_module_at_its_new_home():
    import toolkit

    for former, home in toolkit.FORMER_MODULES.items():
        assert importlib.import_module(f"toolkit.{former}") is importlib.import_module(f"toolkit.{home}"), former


def test_light_entry_points_stay_light():
    """The batch parent and `import toolkit` load none of the analysis stack."""
    code = ("import sys, toolkit, toolkit.batch.run, toolkit.spec.layout; "
            "print(sorted(m for m in ('pandas', 'scipy', 'pydantic', 'matplotlib', 'statsmodels') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout
