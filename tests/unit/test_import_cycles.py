"""No import cycles in workstation/ and ui/, at module level or inside functions.

The graph is built from the source with ``ast`` (nothing is imported, so it is cheap): every
``import`` and ``from … import`` anywhere in a module — a function's lazy import included,
since it runs as surely as a module-level one, only later — except those under
``if TYPE_CHECKING:``, which never run. ``from package import name`` is an edge to the
submodule when ``name`` is one, else to the package. Importing ``a.b.c`` also runs
``a/__init__`` and ``a/b/__init__``, but a package re-exporting its own modules is how
packages are built, not a cycle, so those implicit edges are not counted (import-linter
does the same).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("workstation", "ui")

# Cycles known and not yet mended, each with its reason; empty when none. Remove an entry
# when the cycle is gone (the test below fails on a stale one too).
ALLOWED: set[frozenset[str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run (not those under ``if TYPE_CHECKING:``)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports."""
    files = {
        module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base
                    for alias in node.names
                ]
            for target in targets:
                module = target
                while module and module not in files:  # `import a.b.c` of ours, or not ours
                    module = module.rpartition(".")[0]
                if module and module != name:
                    graph[name].add(module)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative),
    each as one cycle through it, to name in the failure."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return [_path_through(graph, component) for component in components]


def _path_through(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """One cycle inside a strongly connected component: a shortest way back to its start."""
    start = min(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(graph[node] & component):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover - a component has one


def test_the_graph_sees_function_level_imports_and_not_type_checking_ones() -> None:
    graph = import_graph()
    # a lazy import inside a function is an edge (the server's factory and its maintenance)
    assert "workstation.server.maintenance" in graph["workstation.server.app"]
    # `from package import module` is the module; `from package import name`, the package
    assert "workstation.compliance.texts" in graph["workstation.training.citations"]
    assert "workstation.compliance" in graph["workstation.training.citations"]
    # an import only for annotations never runs
    assert "workstation.queue.ranking" not in graph["workstation.queue.wording"]
    made_up = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert cycles(made_up) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    every = cycles(import_graph())
    found = [cycle for cycle in every if frozenset(cycle) not in ALLOWED]
    assert not found, "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in found)
    stale = ALLOWED - {frozenset(cycle) for cycle in every}
    assert not stale, f"allowed cycles that are gone (remove them from ALLOWED): {stale}"
