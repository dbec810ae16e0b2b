"""Ability and willingness scored on the desk, offline, with the server's models as data.

The server trains with scikit-learn and exports each promoted model as standardised
logistic coefficients (``segments.SegmentModel`` JSON); the sync installs them in the store
(``sync.segment_models``). Here they are evaluated in plain Python on the account's own
features (``queue.features.extract_features``, the very function the server's rescore
calls), so the desk reaches the server's scores for the same history and moment — and can
score an account the server has not assessed yet, or its history since the last sync.
Nothing here imports scikit-learn or numpy.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from workstation.desk.ports import StorePort
from workstation.domain.dispositions import DispositionCatalogue, default_catalogue
from workstation.queue.features import extract_features
from workstation.segments.model import (
    Assessment,
    SegmentModel,
    SegmentModelError,
    assess,
    default_models,
    parse_model,
)
from workstation.store import SEGMENT_MODELS

log = logging.getLogger(__name__)


def installed_models(store: StorePort) -> tuple[SegmentModel, SegmentModel]:
    """(ability, willingness): the ones the server sent, else those shipped with the core."""
    document: Any = store.get_state(SEGMENT_MODELS)
    if isinstance(document, dict):
        try:
            return (
                parse_model(document.get("ability"), "installed ability model"),
                parse_model(document.get("willingness"), "installed willingness model"),
            )
        except SegmentModelError:
            log.warning("the installed segment models are not valid; using the shipped ones")
    return default_models()


def assess_account(
    store: StorePort,
    account_id: str,
    as_of: datetime,
    *,
    models: tuple[SegmentModel, SegmentModel] | None = None,
    catalogue: DispositionCatalogue | None = None,
) -> Assessment | None:
    """Both scores, the segment and their reasons for one account on the device, as of
    ``as_of``; None when the account is not on the device."""
    detail = store.load_account(account_id)
    if detail is None:
        return None
    ability, willingness = models or installed_models(store)
    history = sorted(detail.events, key=lambda e: e.occurred_at)  # oldest first, as the server
    features = extract_features(
        detail.customer, detail.account, history, as_of, catalogue=catalogue or default_catalogue()
    )
    return assess(ability, willingness, features)


__all__ = ["assess_account", "installed_models"]
