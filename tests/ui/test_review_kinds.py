"""The lead's review queue names every kind of item in words, in English and in Chinese: only
four kinds had words and the rest ("owner_left_team", "lifecycle_error", "complaint_overdue"…)
read as their codes. The kinds are collected from the server's sources, so a kind added there
without words fails here. The details pane shows no internal ids: it hid one by its name, and
a complaint's id, a batch's and accounts' ids showed raw."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import workstation.server
from workstation.domain import Role
from workstation.lead import ReviewItem

SERVER = Path(workstation.server.__file__).resolve().parent
REVIEW_MODULE = "workstation.server.review"
# raised by the server from the day it is added there (the returned-payment import)
ANNOUNCED = {"payment_returned"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SERVER.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _strings(tree: ast.Module) -> dict[str, str]:
    """A module's top-level ``NAME = "text"`` constants."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _server_trees() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(), str(p)) for p in SERVER.rglob("*.py")}


def _producer_calls(trees: dict[str, ast.Module]) -> Iterator[tuple[str, ast.Module, ast.Call]]:
    """Every call in the server that makes a review item: ``review.item`` (under any import
    name) or ``ReviewItem(...)``."""
    for module, tree in trees.items():
        if module == REVIEW_MODULE:
            continue  # ``item`` itself: its kind and detail are its caller's
        makers = {"ReviewItem"}
        modules = set()
        for statement in ast.walk(tree):
            if isinstance(statement, ast.ImportFrom) and statement.module == REVIEW_MODULE:
                makers |= {a.asname or a.name for a in statement.names if a.name == "item"}
            if isinstance(statement, ast.ImportFrom) and statement.module == "workstation.server":
                modules |= {a.asname or a.name for a in statement.names if a.name == "review"}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            by_name = isinstance(func, ast.Name) and func.id in makers
            by_module = (
                isinstance(func, ast.Attribute)
                and func.attr == "item"
                and isinstance(func.value, ast.Name)
                and func.value.id in modules
            )
            if by_name or by_module:
                yield module, tree, node


def server_detail_keys() -> set[str]:
    """Every key of the ``detail`` the server gives a review item: the dict literal's keys, and
    a ``**name`` spread in it read from the dicts the module assigns to that name."""
    trees = _server_trees()
    keys: set[str] = set()

    def literal_keys(tree: ast.Module, node: ast.Dict, where: str) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.add(key.value)
            elif key is None and isinstance(value, ast.Name):  # **what
                spread = [
                    a.value
                    for a in ast.walk(tree)
                    if isinstance(a, (ast.Assign, ast.AnnAssign))
                    and isinstance(a.value, ast.Dict)
                    and any(
                        isinstance(t, ast.Name) and t.id == value.id
                        for t in (a.targets if isinstance(a, ast.Assign) else [a.target])
                    )
                ]
                assert spread, f"{where}: a detail spread the test cannot read"
                for found in spread:
                    literal_keys(tree, found, where)
            else:
                raise AssertionError(f"{where}: a detail key the test cannot read")

    for module, tree, node in _producer_calls(trees):
        for keyword in node.keywords:
            if keyword.arg == "detail":
                where = f"{module}:{node.lineno}"
                assert isinstance(keyword.value, ast.Dict), f"{where}: detail not a literal"
                literal_keys(tree, keyword.value, where)
    return keys


def server_review_kinds() -> set[str]:
    """Every kind a server module gives ``review.item`` (under any import name) or a
    ``ReviewItem(kind=...)``: a literal or a module constant, its own or imported. A kind
    worked out at run time fails the test: it could not be checked for words."""
    trees = _server_trees()
    constants = {name: _strings(tree) for name, tree in trees.items()}

    def resolve(module: str, tree: ast.Module, node: ast.expr, where: str) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in constants[module]:
                return constants[module][node.id]
            for statement in tree.body:
                if isinstance(statement, ast.ImportFrom) and statement.module in constants:
                    for alias in statement.names:
                        if (alias.asname or alias.name) == node.id:
                            value = constants[statement.module].get(alias.name)
                            if value is not None:
                                return value
        raise AssertionError(f"{where}: a review kind the test cannot read: {ast.dump(node)}")

    kinds: set[str] = set()
    for module, tree, node in _producer_calls(trees):
        where = f"{module}:{node.lineno}"
        given = [k.value for k in node.keywords if k.arg == "kind"]
        if given:
            kinds.add(resolve(module, tree, given[0], where))
        elif node.args and not (isinstance(node.func, ast.Name) and node.func.id == "ReviewItem"):
            kinds.add(resolve(module, tree, node.args[0], where))
    return kinds


def test_the_scan_finds_the_servers_producers() -> None:
    """The collector itself: the kinds raised in five different ways are all found."""
    kinds = server_review_kinds()
    assert {
        "contact_conflict",  # a literal
        "field_referral",  # the module's KIND
        "lifecycle_error",  # REVIEW_KIND
        "reported_payment_unmatched",  # UNMATCHED_REVIEW
        "hardship_review",  # HARDSHIP_REVIEW
        "owner_left_team",
    } <= kinds
    assert len(kinds) >= 12


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_kind_the_server_raises_reads_in_words(prepared_app: Any, language: str) -> None:
    from ui import app as app_mod
    from ui.lead.models import review_kind

    app_mod.prepare(prepared_app, language, "light")
    try:
        for kind in sorted(server_review_kinds() | ANNOUNCED):
            words = review_kind(kind)
            assert "_" not in words, (language, kind, words)
            if language == "zh_CN":
                assert CHINESE.search(words), (kind, words)
            else:
                assert not CHINESE.search(words), (kind, words)
                assert words[0].isupper(), (kind, words)
    finally:
        app_mod.prepare(prepared_app, "en", "light")


def test_a_returned_payment_reads_as_such(prepared_app: Any) -> None:
    from ui import app as app_mod
    from ui.lead.models import review_kind

    assert review_kind("payment_returned") == "Payment returned"
    app_mod.prepare(prepared_app, "zh_CN", "light")
    try:
        assert review_kind("payment_returned") == "还款被退回"
    finally:
        app_mod.prepare(prepared_app, "en", "light")


def test_a_kind_from_a_newer_server_reads_as_words_not_code(prepared_app: Any) -> None:
    from ui.lead.models import review_kind

    assert review_kind("card_chargeback_opened") == "Card chargeback opened"
    assert review_kind("") == "—"


def _item(kind: str, detail: dict[str, Any]) -> ReviewItem:
    return ReviewItem(
        id=f"item-{kind}",
        kind=kind,
        account_id="acc-0001-0002",
        customer_id="cust-1",
        event_id=None,
        assignee_id="u-agent",
        from_user_id="u-agent",
        summary=f"A {kind}",
        detail=detail,
        created_at=datetime.now(UTC),
        acknowledged_at=None,
        summary_zh="",
    )


def test_the_details_show_no_internal_ids_and_the_referral_still_offers_its_collector(
    prepared_app: Any, qtbot: Any
) -> None:
    """A complaint gone overdue carried its complaint's id, a release of accounts their ids,
    a referral the field collector's: the lead reads the reference, the day and the strategy,
    and the referral still puts its collector first in the "reassign to" list."""
    from ui.context import build_context
    from ui.lead.workspace import build_lead_workspace

    widget = build_lead_workspace(build_context(role=Role.LEAD))
    qtbot.addWidget(widget)
    review = widget.review
    items = [
        _item(
            "complaint_overdue",
            {"reference": "CMP-2026-0042", "complaint_id": "c9f2a7", "due_on": "2026-12-01"},
        ),
        _item("owner_left_team", {"account_ids": ["a1b2", "c3d4"], "batch_id": "b77e"}),
        _item(
            "field_referral",
            {"strategy": "Standard", "field_collector_id": "u-field", "strategy_id": "std-v1"},
        ),
    ]
    names = {"u-agent": "李娜 Li Na", "u-field": "王强 Wang Qiang", "u-other": "陈杰 Chen Jie"}
    review.show_items(items, names)
    shown = {}
    for item in items:  # in the table's order (newest first)
        review.table.selectRow(next(i for i, r in enumerate(review.model.rows()) if r is item))
        shown[item.kind] = review.detail.toPlainText()
    for kind, text in shown.items():
        assert not re.search(r"\w+_ids?:", text), (kind, text)
        for raw in ("c9f2a7", "a1b2", "b77e", "u-field", "std-v1"):
            assert raw not in text, (kind, raw)
    assert "Reference: CMP-2026-0042" in shown["complaint_overdue"]
    assert "Due on: 2026-12-01" in shown["complaint_overdue"]
    assert "Strategy: Standard" in shown["field_referral"]
    assert review.current() is items[2]
    assert review.reassign_to.currentData() == "u-field"


def test_the_scan_finds_the_details_the_server_gives() -> None:
    """The collector itself: literal keys, ids among them, and a ``**what`` spread."""
    keys = server_detail_keys()
    assert {"due_on", "reference", "strategy", "amount", "server_value"} <= keys
    assert {"field_collector_id", "account_ids"} <= keys  # found, then left out of the pane
    assert {"disposition", "missing_evidence"} <= keys  # facts.py's **what


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_detail_the_server_gives_has_a_name_in_words(
    prepared_app: Any, language: str
) -> None:
    """The details pane read "strategy:", "due_on:", "reason:"… in Chinese as in English."""
    from ui import app as app_mod
    from ui.lead.models import detail_key_text, is_internal_key

    app_mod.prepare(prepared_app, language, "light")
    try:
        for key in sorted(k for k in server_detail_keys() if not is_internal_key(k)):
            words = detail_key_text(key)
            assert words != key, (language, key)
            if language == "zh_CN":
                assert CHINESE.search(words), (key, words)
            else:
                assert not CHINESE.search(words), (key, words)
                assert words[0].isupper(), (key, words)
    finally:
        app_mod.prepare(prepared_app, "en", "light")


def test_the_details_read_in_chinese_with_amounts_and_times_formatted(
    prepared_app: Any, qtbot: Any
) -> None:
    """A Chinese lead reads each detail's name in Chinese, the amount as the console shows
    money (¥300.00, not "300.00" beside "currency: CNY"), yes / no in words; a key from a
    newer server reads as words, never raw."""
    from ui import app as app_mod
    from ui.context import build_context
    from ui.lead.workspace import build_lead_workspace

    app_mod.prepare(prepared_app, "zh_CN", "light")
    try:
        widget = build_lead_workspace(build_context(role=Role.LEAD))
        qtbot.addWidget(widget)
        review = widget.review
        items = [
            _item(
                "payment_returned",
                {
                    "payment_ref": "PAY-77",
                    "return_reason": "insufficient_funds",
                    "amount": "300.00",
                    "currency": "CNY",
                    "reopened": True,
                },
            ),
            _item(
                "compliance_override",
                {
                    "event_type": "contact_attempt",
                    "occurred_at": "2026-12-01T02:30:00+00:00",
                    "channel": "phone",
                    "disposition": "NA",
                    "outcome": None,
                    "missing_evidence": None,
                },
            ),
            _item("hardship_review", {"due_on": "2026-12-20", "via": "portal", "new_key": 1}),
            _item("complaint_overdue", {"reference": "CMP-1", "deadline": "acknowledge"}),
        ]
        review.show_items(items, {"u-agent": "李娜 Li Na"})
        shown = {}
        for item in items:
            review.table.selectRow(next(i for i, r in enumerate(review.model.rows()) if r is item))
            shown[item.kind] = review.detail.toPlainText()
        for item in items:
            details = shown[item.kind].splitlines()[2:]  # after the kind and the summary
            assert len(details) >= 2, (item.kind, details)
            for line in details:
                name = re.split("[:：]", line, maxsplit=1)[0]
                assert name not in item.detail, (item.kind, line)  # no raw key
                assert "_" not in name, (item.kind, line)
        returned = shown["payment_returned"]
        assert "¥300.00" in returned
        assert "CNY" not in returned  # the amount says it
        assert "PAY-77" in returned
        assert "银行退回原因：账户余额不足" in returned  # the bank's code in words
        assert "是" in returned  # reopened: yes
        override = shown["compliance_override"]
        assert "电话" in override  # the channel in words
        assert "联系记录" in override  # the record's type in words
        assert "无人接听" in override  # the outcome logged, in words
        assert "New key：1" in shown["hardship_review"]  # unknown: its code in words
        assert "2026-12-20" in shown["hardship_review"]
        assert "受理确认" in shown["complaint_overdue"]  # which deadline, in words
    finally:
        app_mod.prepare(prepared_app, "en", "light")
