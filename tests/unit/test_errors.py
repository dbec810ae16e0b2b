"""Every error the core raises on purpose is a ``WorkstationError``: it carries its message in
English and Chinese, so the UI can show any refusal in the agent's language, while callers
that catch the built-in it always was (``ValueError``, ``RuntimeError``, ``OSError``…) still
catch it."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import workstation
from workstation.auth.unlock import PassphraseError, derive_store_key
from workstation.desk.types import DeskError, ValidationError
from workstation.errors import WorkstationError
from workstation.plans import PlanError
from workstation.store.blobs import BlobError
from workstation.store.engine import StoreLockedError
from workstation.sync.errors import OfflineError, ServerError, SignInRequiredError
from workstation.text import Text

CORE = Path(workstation.__file__).parent


def _core_exception_classes() -> list[str]:
    """Every ``class X(...)`` in the core whose bases name an exception type."""
    found = []
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name)
                and (base.id.endswith(("Error", "Exception", "Failure")) or base.id == "KeyError")
                for base in node.bases
            ):
                module = ".".join(path.relative_to(CORE.parent).with_suffix("").parts)
                found.append(f"{module}.{node.name}")
    return found


def test_every_core_exception_derives_from_the_one_base() -> None:
    classes = _core_exception_classes()
    assert len(classes) > 35
    outside = []
    for dotted in classes:
        module, name = dotted.rsplit(".", 1)
        cls = getattr(importlib.import_module(module), name)
        if not issubclass(cls, WorkstationError):
            outside.append(dotted)
    assert outside == []


def test_every_core_module_imports() -> None:
    """The check above reads the source; this makes sure it saw every module that loads."""
    for info in pkgutil.walk_packages([str(CORE)], "workstation."):
        if ".migrations." in info.name or info.name.endswith(".__main__"):
            continue
        importlib.import_module(info.name)


def test_a_message_written_in_both_languages_reads_in_each() -> None:
    error = BlobError("the document is damaged", zh="文件已损坏")
    assert isinstance(error, OSError)  # callers that catch OSError still do
    assert str(error) == "the document is damaged"
    assert error.text.get("zh_CN") == "文件已损坏"
    assert error.text.get("en") == "the document is damaged"
    assert (error.message_en, error.message_zh) == ("the document is damaged", "文件已损坏")


def test_an_english_only_detail_reads_in_chinese_after_its_class_summary() -> None:
    error = OfflineError("cannot reach https://backend.example: ConnectTimeout")
    assert error.message_zh is None
    assert error.text.get("zh") == (
        "无法连接服务器；您的更改已保留：cannot reach https://backend.example: ConnectTimeout"
    )
    assert error.text.get("en") == str(error)
    refused = ServerError(409, "conflict", "version moved", {})
    assert refused.text.get("zh").startswith("服务器拒绝了请求：")


def test_an_error_without_a_message_says_what_kind_it_is() -> None:
    assert SignInRequiredError().text == Text("Please sign in again", "请重新登录")
    assert str(SignInRequiredError()) == "Please sign in again"


def test_operator_errors_of_the_plan_cli_stay_english() -> None:
    error = PlanError("settlement_policy.toml: key 'version' must be 1.")
    assert error.text.get("zh") == str(error)
    assert isinstance(error, ValueError)


def test_desk_refusals_keep_their_text_and_fields() -> None:
    refused = DeskError(Text("Not on this device", "本机没有该账户"))
    assert refused.text.get("zh_CN") == "本机没有该账户"
    invalid = ValidationError({"promise_amount": Text("Enter an amount", "请输入金额")})
    assert invalid.text.get("zh") == "请输入金额"
    assert isinstance(invalid, WorkstationError)


def test_a_wrong_passphrase_is_refused_in_both_languages(tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    derive_store_key(store, "correct horse battery")
    with pytest.raises(PassphraseError) as caught:
        derive_store_key(store, "wrong horse battery")
    assert caught.value.text.get("zh") == "该口令无法解锁本机数据。"


def test_a_locked_store_says_so_in_chinese(tmp_path: Path) -> None:
    from workstation.store import Store

    path = tmp_path / "locked.db"
    Store.open(path, key="a" * 64).close()
    with pytest.raises(StoreLockedError) as caught:
        Store.open(path, key="b" * 64)
    assert "无法解锁" in caught.value.text.get("zh_CN")
    assert "wrong key" in str(caught.value)
