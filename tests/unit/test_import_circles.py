"""No module of ``tui`` is in an import circle, type-checking imports counted
(issue 19): the contracts in pyproject.toml check packages and layers; this
checks every module against every other, which no contract type does."""

from __future__ import annotations

import grimp

from tui.console.app import MySafeApp
from tui.console.screens.main.ports import ConsoleApp
from tui.simulator import Simulator, SimulatorConfig

from support.console import make_app


def circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_is_in_an_import_circle() -> None:
    graph = grimp.build_graph(
        "tui", include_external_packages=False, exclude_type_checking_imports=False
    )
    assert len(graph.modules) > 100
    assert circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.a")
    assert circles(graph) == [["p.a", "p.b"]]


def test_the_app_fills_the_port_its_screens_know() -> None:
    # mypy (run by the suite) checks the assignment; the asserts check the values.
    app: ConsoleApp = make_app(Simulator(SimulatorConfig(passwords=2, api_secrets=0)))
    assert isinstance(app, MySafeApp)
    assert app.session is not None and callable(app.opening_time)
