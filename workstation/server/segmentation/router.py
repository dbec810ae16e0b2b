"""The models as data for devices (``GET /api/v1/segments/models``).

The desk scores ability and willingness without scikit-learn: it evaluates the models the
server uses — the newest promoted ``segment_models`` rows, else the shipped ones — exported
as the plain JSON documents ``workstation.segments.SegmentModel`` reads (standardised
logistic coefficients). ``version`` is what every account scored with them carries in
``segment_model``, so a device knows when to ask again (``workstation.sync.segment_models``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from workstation.segments.model import model_version
from workstation.server.deps import PrincipalDep, StateDep
from workstation.server.errors import ERROR_RESPONSES
from workstation.server.segmentation import current_models

router = APIRouter(prefix="/api/v1/segments", tags=["sync"], responses=ERROR_RESPONSES)


class SegmentModelsOut(BaseModel):
    version: str
    ability: dict[str, Any]
    willingness: dict[str, Any]


def models_document(session: Any) -> dict[str, Any]:
    ability, willingness = current_models(session)
    return {
        "version": model_version(ability, willingness),
        "ability": ability.to_json(),
        "willingness": willingness.to_json(),
    }


@router.get("/models", response_model=SegmentModelsOut)
def segment_models(principal: PrincipalDep, state: StateDep) -> Any:
    """The ability and willingness models in use, as data any signed-in device evaluates."""
    del principal  # any signed-in user: the coefficients say nothing about a customer
    with state.sessions() as session:
        return models_document(session)
