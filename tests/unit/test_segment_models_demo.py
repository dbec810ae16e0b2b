"""The ability and willingness models recover the demo generator's hidden traits.

Trained as ``train-models`` trains (time split, scikit-learn, exported coefficients) on one
demo portfolio; judged on another (another seed: customers never seen), with each model
evaluated from its exported JSON in plain Python, against the hidden ability and
willingness the generator drew. The floors, stated: AUC ≥ 0.65 for ability and ≥ 0.70 for
willingness against "above the median of the hidden trait", and each model must rank its
own trait clearly better than the other one (it learned ability, not just "good payer").
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from workstation.demo.generator import generate_portfolio_with_traits
from workstation.queue.features import extract_features
from workstation.queue.fit import auc
from workstation.segments import default_models, parse_model

pytest.importorskip("sklearn")

from workstation.server.segmentation.training import train_from_history

AS_OF = datetime(2026, 3, 2, 9, tzinfo=UTC)
ACCOUNTS = 6000
ABILITY_FLOOR = 0.65
WILLINGNESS_FLOOR = 0.70
OWN_TRAIT_MARGIN = 0.08


def test_trained_models_recover_hidden_ability_and_willingness() -> None:
    book, _ = generate_portfolio_with_traits(ACCOUNTS, seed=101, as_of=AS_OF)
    results, training_cut, validation_cut = train_from_history(
        book, default_models(), horizon_days=30
    )
    assert training_cut < validation_cut < AS_OF
    # out of time, on the observable outcomes, both models rank better than chance
    for _, _, validation, _, _ in results:
        assert validation.auc > 0.55
        assert validation.samples >= 500

    held, traits = generate_portfolio_with_traits(ACCOUNTS, seed=202, as_of=AS_OF)
    events = defaultdict(list)
    for event in held.events:
        events[event.account_id].append(event)
    customers = {c.id: c for c in held.customers}
    accounts = [a for a in held.accounts if a.status.value != "hold" and not a.status.is_closed]
    features = [
        extract_features(customers[a.customer_id], a, events[a.id], AS_OF) for a in accounts
    ]

    def above_median(kind: str) -> list[int]:
        values = [getattr(traits[a.id], kind) for a in accounts]
        middle = statistics.median(values)
        return [int(v > middle) for v in values]

    measured = {}
    for model, *_ in results:
        exported = parse_model(model.to_json(), "exported")  # what a desktop would load
        scores = [exported.probability(f) for f in features]
        own = auc(scores, above_median(model.kind))
        other = auc(scores, above_median("willingness" if model.kind == "ability" else "ability"))
        measured[model.kind] = (own, other)
    print("AUC against the hidden traits (own, other):", measured)
    ability_own, ability_other = measured["ability"]
    willingness_own, willingness_other = measured["willingness"]
    assert ability_own >= ABILITY_FLOOR, measured
    assert willingness_own >= WILLINGNESS_FLOOR, measured
    assert ability_own >= ability_other + OWN_TRAIT_MARGIN, measured
    assert willingness_own >= willingness_other + OWN_TRAIT_MARGIN, measured
