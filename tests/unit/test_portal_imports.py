"""The customer's portal sits above the write path: no module of ``workstation.server.portal``
is in an import cycle, imports inside functions included (grimp reads them all).

``facts.record`` reaches the portal's survey step through ``workflows.hooks.on_conversation``
(registered by ``portal.install``), never by importing it."""

from __future__ import annotations

import grimp

PORTAL = "workstation.server.portal"


def _cycles_through(graph: grimp.ImportGraph, prefix: str) -> list[tuple[str, ...]]:
    found = []
    for module in sorted(m for m in graph.modules if m.startswith(prefix)):
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                found.append((module, *back))
    return found


def test_no_portal_module_is_in_an_import_cycle() -> None:
    graph = grimp.build_graph("workstation")
    assert any(m.startswith(PORTAL + ".") for m in graph.modules)
    assert _cycles_through(graph, PORTAL) == []


def test_the_write_path_names_no_portal_module() -> None:
    graph = grimp.build_graph("workstation")
    assert (
        graph.find_shortest_chain(importer="workstation.server.facts", imported=f"{PORTAL}.surveys")
        is None
    )
