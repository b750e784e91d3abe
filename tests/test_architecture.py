"""The shape of the code: no import cycles, read statically from the source (imports inside functions count)."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("segapp", "bench", "tests")


def module_files() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """Every dotted name an import statement anywhere in the module (functions too) may load."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            if node.level:
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (a `from package import name` counts as the submodule when it is one)."""
    modules = module_files()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        names = set(_imported_names(tree, module, path.name == "__init__.py"))
        targets = {name for name in names if name in modules}
        # `from pkg import sub` names both pkg and pkg.sub: the edge is to the submodule only.
        targets -= {name for name in targets if any(other.startswith(name + ".") for other in targets)}
        graph[module] = targets - {module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_sees_a_cycle_through_a_function_level_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    source = "def late():\n    from segapp.segments import views\n"
    names = set(_imported_names(ast.parse(source), "segapp.segments.line_views", False))
    assert "segapp.segments.views" in names


def test_relative_imports_resolve_against_the_package() -> None:
    tree = ast.parse("from . import views\nfrom .forms import Form\nfrom .. import db\n")
    names = set(_imported_names(tree, "segapp.segments", True))
    assert {"segapp.segments.views", "segapp.segments.forms", "segapp.db"} <= names


def test_the_graph_covers_the_application() -> None:
    graph = import_graph()
    assert "segapp.services.segments.lines" in graph["segapp.segments.line_views"]
    assert len(graph) > 50


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def late_imports(tree: ast.Module) -> list[int]:
    """Line numbers of module-level imports that come after other statements."""
    late, seen_code = [], False
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.Import | ast.ImportFrom):
            if seen_code:
                late.append(node.lineno)
        elif not (index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            seen_code = True
    return late


def test_the_checker_sees_an_import_at_the_bottom() -> None:
    tree = ast.parse('"""Doc."""\nimport os\n\nbp = 1\n\nfrom segapp import views\n')
    assert late_imports(tree) == [6]


def test_no_import_kept_at_the_bottom_of_a_module() -> None:
    """A late import is how a cycle or a registration by side effect hides: import at the top what you use."""
    late = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in module_files().values()
        for line in late_imports(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert late == []


VIEW_PACKAGES = ("segapp.main", "segapp.auth", "segapp.contacts", "segapp.segments", "segapp.setup", "segapp.users")
PURE_CORES = (
    "segapp.importing",
    "segapp.filters",
    "segapp.filter_syntax",
    "segapp.textfold",
    "segapp.dates",
    "segapp.captions",
    "segapp.like",
    "segapp.yesno",
    "segapp.keymap",
)


def _reaches(module: str, packages: tuple[str, ...], graph: dict[str, set[str]]) -> list[str]:
    """The modules of ``packages`` that ``module`` imports."""
    return sorted(t for t in graph.get(module, ()) if any(t == p or t.startswith(p + ".") for p in packages))


def test_models_and_services_never_import_views() -> None:
    graph = import_graph()
    inner = [m for m in graph if m.startswith(("segapp.models", "segapp.services"))]
    assert inner
    assert _reaches("segapp.segments.line_views", VIEW_PACKAGES, graph)  # the check sees view imports
    assert {m: _reaches(m, VIEW_PACKAGES, graph) for m in inner if _reaches(m, VIEW_PACKAGES, graph)} == {}


def test_pure_cores_never_import_services_or_views() -> None:
    graph = import_graph()
    upper = ("segapp.services", *VIEW_PACKAGES)
    cores = [m for m in PURE_CORES if m in graph]
    assert len(cores) >= 6
    assert {m: _reaches(m, upper, graph) for m in cores if _reaches(m, upper, graph)} == {}
