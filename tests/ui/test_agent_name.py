"""The agent gives the customer their name, not their user name: the display name the server
holds for the user ("李娜 Li Na") reaches the call guide through the sign-in (the profile
remembers it, for offline starts too), in the customer's script. Real backend on a
loopback port, in-memory keyring, temporary profile."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update

from tests.keyring_memory import MemoryKeyring
from tests.server.conftest import PASSWORD, Backend, running_backend

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=60) as started:
        yield started


def test_the_call_guide_says_the_agents_name_in_the_customers_script(
    prepared_app: Any, backend: Backend, memory_keyring: MemoryKeyring, qtbot: Any
) -> None:
    from ui.context import build_context
    from ui.dialogs.signin import authenticate
    from ui.main_window import MainWindow
    from workstation.auth.profile import LocalProfile, load_info
    from workstation.domain.creditor import creditor
    from workstation.server.models import User

    agent = backend.of_role("agent")[0].username
    with backend.sessions.begin() as session:
        session.execute(
            update(User).where(User.username == agent).values(display_name="李娜 Li Na")
        )
    profile = LocalProfile.open()
    signed = authenticate(backend.base, agent, PASSWORD, "", profile, may_hand_over=True)
    signed.engine.sync()
    info = load_info()
    assert info is not None
    assert info.display_name == "李娜 Li Na"  # on disk: an offline start has it too

    ctx = build_context(store=profile.store, user=agent)
    ctx.profile = profile
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    assert "李娜 Li Na" in window.windowTitle()
    try:
        with qtbot.waitSignals([window.account_loaded, window.queue_loaded], timeout=10_000):
            window.start()
        said = {"zh": "李娜", "en": "Li Na"}
        seen = set()
        for row in profile.store.queue_rows()[:40]:
            with qtbot.waitSignal(window.account_loaded, timeout=5000):
                window.agent.load_account(row.account_id)
            language = "zh" if window.view.customer.language.value.startswith("zh") else "en"
            guide = window.outcome.guide.toPlainText()
            assert said[language] in guide
            assert said["zh" if language == "en" else "en"] not in guide
            assert agent not in guide
            # the creditor as the customer's messages name it (domain.creditor), not "Acme"
            assert creditor().name.get(language) in guide
            seen.add(language)
            if seen == {"zh", "en"}:
                break
        assert seen == {"zh", "en"}, seen  # both scripts were read
    finally:
        ctx.runner.shutdown()
        profile.close()
