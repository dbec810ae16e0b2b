"""Risk tiers and suggested treatments come from data, and a bad file says where it is wrong."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from workstation.domain.enums import Bucket, Channel, RiskTier
from workstation.queue import TreatmentsError, default_policy, load_policy
from workstation.resources import resource_path


@pytest.mark.parametrize(
    ("probability", "bucket", "tier"),
    [
        (0.9, Bucket.DPD_1_29, RiskTier.A),
        (0.5, Bucket.DPD_1_29, RiskTier.B),
        (0.25, Bucket.DPD_30_59, RiskTier.C),
        (0.05, Bucket.CURRENT, RiskTier.D),
        (0.9, Bucket.DPD_90_179, RiskTier.B),  # late stages are capped whatever the score
        (0.9, Bucket.DPD_180_PLUS, RiskTier.C),
        (0.05, Bucket.DPD_180_PLUS, RiskTier.D),
    ],
)
def test_tiers_come_from_score_bands_and_the_bucket_cap(
    probability: float, bucket: Bucket, tier: RiskTier
) -> None:
    assert default_policy().tier(probability, bucket) is tier


def test_an_early_low_risk_account_gets_an_sms_reminder() -> None:
    policy = default_policy()
    treatment = policy.treatment(RiskTier.A, Bucket.DPD_1_29)
    assert treatment.code == "sms_reminder"
    assert treatment.channel is Channel.SMS
    assert treatment.label("zh") == "短信提醒"


def test_a_late_high_risk_account_gets_a_field_visit() -> None:
    assert default_policy().treatment(RiskTier.D, Bucket.DPD_180_PLUS).code == "field_visit"


def test_at_the_desk_a_visit_becomes_a_call_and_the_rest_stay() -> None:
    policy = default_policy()
    visit = policy.treatment(RiskTier.D, Bucket.DPD_180_PLUS)
    assert policy.at_desk(visit).code == "call"
    for code in ("sms_reminder", "call", "hardship_review"):
        assert policy.at_desk(policy.treatments[code]) is policy.treatments[code]


def test_hardship_overrides_the_matrix() -> None:
    treatment = default_policy().treatment(RiskTier.A, Bucket.DPD_1_29, {"hardship"})
    assert treatment.code == "hardship_review"
    assert treatment.label_en == "Hardship review"


def test_every_tier_and_bucket_has_a_bilingual_treatment() -> None:
    policy = default_policy()
    for tier in RiskTier:
        for bucket in Bucket:
            treatment = policy.treatment(tier, bucket)
            assert treatment.label_en
            assert treatment.label_zh


def test_urgency_is_boosted_just_before_a_bucket_rolls() -> None:
    policy = default_policy()
    assert policy.urgency(27) > policy.urgency(20)
    assert policy.rolls_soon(27)
    assert not policy.rolls_soon(20)


def _load_with(tmp_path: Path, mutate: Any) -> None:
    data = tomllib.loads(resource_path("treatments.toml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "treatments.toml"
    path.write_text(_dump(data), encoding="utf-8")
    load_policy(path)


def _dump(data: dict[str, Any]) -> str:
    """A tiny TOML writer for this file's shapes (no TOML writer in the standard library)."""
    import json

    lines: list[str] = [f"version = {json.dumps(data['version'])}"] if "version" in data else []

    def scalar(value: Any) -> str:
        if isinstance(value, dict):
            return (
                "{ " + ", ".join(f"{json.dumps(k)} = {scalar(v)}" for k, v in value.items()) + " }"
            )
        if isinstance(value, list):
            return "[" + ", ".join(scalar(v) for v in value) + "]"
        return json.dumps(value)

    for key, value in data.items():
        if key == "version":
            continue
        if isinstance(value, list):
            for entry in value:
                lines.append(f"[[{key}]]")
                lines.extend(f"{json.dumps(k)} = {scalar(v)}" for k, v in entry.items())
        else:
            lines.append(f"[{key}]")
            lines.extend(f"{json.dumps(k)} = {scalar(v)}" for k, v in value.items())
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("version"), "'version'"),
        (lambda d: d["tiers"]["bands"][0].update(tier="E"), r"tiers\.bands\[1\]\.tier"),
        (lambda d: d["tiers"]["bands"].reverse(), "falling min_probability"),
        (lambda d: d["tiers"]["bands"].pop(), "min_probability = 0"),
        (lambda d: d["matrix"]["B"].pop("30-59"), r'matrix\.B\."30-59"'),
        (lambda d: d["matrix"]["C"].update({"1-29": "telegram"}), "unknown treatment 'telegram'"),
        (lambda d: d["treatment"][1].pop("label_zh"), r"treatment #2 \(call\): 'label_zh'"),
        (lambda d: d["treatment"][0].update(channel="pigeon"), "'channel'"),
        (lambda d: d["override"][0].update(flag="grumpy"), r"override #1: 'flag'"),
        # a desk agent makes no visits: every visit says what the desk does instead
        (lambda d: d["treatment"][2].pop("at_desk"), r"#3 \(field_visit\): .*'at_desk'"),
        (lambda d: d["treatment"][2].update(at_desk="fax"), "unknown treatment 'fax'"),
        (lambda d: d["treatment"][2].update(at_desk="field_visit"), "a visit too"),
        (lambda d: d["treatment"][3].update(short_zh=" "), r"#4 \(hardship_review\): 'short_zh'"),
        (lambda d: d["treatment"][0].update(short_en=3), r"#1 \(sms_reminder\): 'short_en'"),
        (lambda d: d["priority"].update(balance_share=2), "'balance_share'"),
        (lambda d: d["priority"]["urgency"].pop("180+"), r"\[priority\.urgency\]: '180\+'"),
    ],
)
def test_a_malformed_treatments_file_names_the_file_and_key(
    tmp_path: Path, mutate: Any, message: str
) -> None:
    with pytest.raises(TreatmentsError, match=message) as caught:
        _load_with(tmp_path, mutate)
    assert "treatments.toml" in str(caught.value)


def test_the_round_trip_writer_is_faithful(tmp_path: Path) -> None:
    _load_with(tmp_path, lambda d: None)


def test_a_treatments_file_that_is_not_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[tiers", encoding="utf-8")
    with pytest.raises(TreatmentsError, match=r"bad\.toml: not valid TOML"):
        load_policy(path)


def test_a_long_label_has_a_short_form_for_the_queue_column() -> None:
    """The queue's Next action column shows ``short``; a label without one is its own."""
    treatments = default_policy().treatments
    hardship, call = treatments["hardship_review"], treatments["call"]
    assert (hardship.label("zh_CN"), hardship.short("zh_CN")) == ("经济困难评估", "困难评估")
    assert (hardship.label("en"), hardship.short("en")) == ("Hardship review", "Hardship")
    assert (call.short("en"), call.short("zh_CN")) == ("Call", "电话催收")
