"""The desktop scores ability and willingness without scikit-learn: ``train-models`` on the
seeded demo backend promotes models, a device syncs, and the desk's own evaluation of the
exported coefficients equals the server's scores for the same accounts and moment."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from tests.server.conftest import Backend, running_backend
from tests.server.model_helpers import backwards_in_use
from tests.sync.conftest import DeviceFactory
from workstation.desk import DeskService
from workstation.desk.segments import assess_account, installed_models
from workstation.domain.enums import AccountStatus
from workstation.segments.model import default_models
from workstation.server.models import AccountRow
from workstation.server.scoring import rescore
from workstation.server.segmentation import current_models
from workstation.store import SEGMENT_MODELS
from workstation.store.models import AccountRow as StoreAccountRow
from workstation.sync import segment_models

CLOSED = [s.value for s in AccountStatus if s.is_closed]
ACCOUNTS = 1500  # enough labelled outcomes for train-models to fit and judge both models


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=ACCOUNTS) as started:
        yield started


def test_the_desk_scores_the_promoted_models_as_the_server_does(
    backend: Backend, make_device: DeviceFactory
) -> None:
    pytest.importorskip("sklearn")  # the server extra trains; the desk below never needs it
    from workstation.server.segmentation.training import train_models

    backwards_in_use(backend)  # so the fit is promoted whatever the day's demo book
    report = train_models(backend.sessions, horizon_days=30, rescore_accounts=False)
    assert all(r.promoted for r in report.models), report.lines
    moment = datetime.now(UTC).replace(microsecond=0)
    rescore(backend.sessions, as_of=moment)
    with backend.sessions() as session:
        ability, willingness = current_models(session)
    shipped = default_models()
    assert (ability.version, willingness.version) != (shipped[0].version, shipped[1].version)
    version = f"A{ability.version}/W{willingness.version}"

    device = make_device("li.na")
    sync = device.sync()
    assert sync.segment_models == version
    assert device.store.get_state(SEGMENT_MODELS)["version"] == version
    local_ability, local_willingness = installed_models(device.store)
    assert local_ability.to_json() == ability.to_json()
    assert local_willingness.to_json() == willingness.to_json()

    owner_id = backend.users["li.na"].user_id
    with backend.sessions() as session:
        rows = session.scalars(
            select(AccountRow).where(
                AccountRow.owner_id == owner_id, AccountRow.status.not_in(CLOSED)
            )
        ).all()
        server = {
            r.id: (r.ability, r.willingness, r.segment, list(r.ability_reasons or ()),
                   list(r.willingness_reasons or ()), r.segment_model)
            for r in rows
        }  # fmt: skip
    assert len(server) >= 20
    for account_id, (a, w, segment, a_reasons, w_reasons, model) in server.items():
        assert model == version  # the rescore applied the promoted models
        mine = assess_account(device.store, account_id, moment)
        assert mine is not None
        assert mine.model_version == version
        # the same features and the same double arithmetic: equal to the basis point
        assert (mine.ability, mine.willingness) == (a, w), account_id
        assert mine.segment.value == segment
        assert list(mine.ability_reasons) == a_reasons
        assert list(mine.willingness_reasons) == w_reasons

    # an account the server has not assessed yet: the desk's account view scores it itself
    account_id = sorted(server)[0]
    with device.store.write() as connection:
        connection.execute(
            update(StoreAccountRow)
            .where(StoreAccountRow.id == account_id)
            .values(ability=None, willingness=None, segment=None, segment_model=None)
        )
    view = DeskService(device.store, device.api.device_id, "li.na").account(account_id, moment)
    assert view.account.segment is None
    assert view.assessment is not None
    assert (view.assessment.ability, view.assessment.willingness) == server[account_id][:2]
    with device.store.write() as connection:  # back as the server has it
        connection.execute(
            update(StoreAccountRow)
            .where(StoreAccountRow.id == account_id)
            .values(segment_model=version)
        )

    # the next sync asks nothing: every account names the installed models
    assert not segment_models.due(device.store)
    assert device.sync().segment_models is None


def test_the_desk_path_imports_no_scikit_learn_or_numpy() -> None:
    code = (
        "import sys\n"
        "import workstation.desk, workstation.desk.segments, workstation.segments\n"
        "import workstation.sync, workstation.sync.segment_models, workstation.queue\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'numpy', 'scipy'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
