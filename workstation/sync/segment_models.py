"""The ability and willingness models, as data, from the server into the store.

The desk scores offline with the models the server uses (``desk.segments``), never with
scikit-learn: the server exports them as JSON (``GET /api/v1/segments/models``) and they
are kept under ``store.SEGMENT_MODELS`` as ``{"version", "ability", "willingness"}``.

When to ask (``due``): every account the server scores carries the models' version
(``segment_model``, "A<ability>/W<willingness>"). The device asks when it holds no models
yet, or when an account on it names a version other than the one installed — a promotion
and its rescore reach the device as changed accounts, and the models follow in the same
sync. Otherwise no round trip is spent.

Asking never breaks a sync: an older server (404), an unreachable or busy one, or a
document that does not validate (``segments.parse_model``) leaves the installed models in
place and is logged; only a revoked device stops the sync.
"""

from __future__ import annotations

import logging
from typing import Any

from workstation.segments.model import ABILITY, WILLINGNESS, SegmentModelError, parse_model
from workstation.store import SEGMENT_MODELS, Store
from workstation.sync.errors import DeviceRevokedError, ServerError, SyncError
from workstation.sync.session import ApiSession

log = logging.getLogger(__name__)

PATH = "/api/v1/segments/models"
_VERSIONS_SQL = (
    "SELECT DISTINCT segment_model FROM accounts WHERE deleted = 0 AND segment_model IS NOT NULL"
)


def installed_version(store: Store) -> str | None:
    value = store.get_state(SEGMENT_MODELS)
    version = value.get("version") if isinstance(value, dict) else None
    return version if isinstance(version, str) else None


def versions_on_device(store: Store) -> set[str]:
    """The model versions the device's accounts were scored with."""
    with store.read() as connection:
        return {str(row[0]) for row in connection.exec_driver_sql(_VERSIONS_SQL)}


def due(store: Store) -> bool:
    """No models installed yet, or an account names other models than the installed ones."""
    installed = installed_version(store)
    if installed is None:
        return True
    return bool(versions_on_device(store) - {installed})


def validated(data: Any) -> dict[str, Any] | None:
    """The server's answer as it is stored, or None when it is not a usable pair of models."""
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        return None
    try:
        ability = parse_model(data.get("ability"), f"{PATH} ability")
        willingness = parse_model(data.get("willingness"), f"{PATH} willingness")
    except SegmentModelError as exc:
        log.warning("the server's segment models are not valid (%s); keeping the installed", exc)
        return None
    if ability.kind != ABILITY or willingness.kind != WILLINGNESS:
        return None
    return {
        "version": data["version"],
        "ability": ability.to_json(),
        "willingness": willingness.to_json(),
    }


def refresh(store: Store, api: ApiSession) -> str | None:
    """Ask the server for its models and install them; the version installed, or None when
    the installed ones (or none) are kept. Raises only ``DeviceRevokedError``."""
    try:
        data = api.call("GET", PATH)
    except DeviceRevokedError:
        raise
    except (ServerError, SyncError) as exc:
        log.info("could not read the server's segment models (%s); keeping the installed", exc)
        return None
    document = validated(data)
    if document is None:
        return None
    store.set_state(SEGMENT_MODELS, document)
    log.debug("segment models %s installed", document["version"])
    return str(document["version"])


__all__ = ["PATH", "due", "installed_version", "refresh", "validated", "versions_on_device"]
