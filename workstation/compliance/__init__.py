"""Contact compliance: may this customer be contacted on this channel now, and why (not)?

Rule packs (``resources/rules/*.toml``, one per jurisdiction) are data; ``decide`` applies
the customer's pack to their flags, contacts and history. See ``engine`` for how history
is read and ``packs`` for the pack format.
"""

from workstation.compliance.engine import (
    LASTING_EVENT_TYPES,
    AccountFacts,
    ContactPolicy,
    Decision,
    Reason,
    decide,
    default_policy,
    pack_for,
)
from workstation.compliance.overrides import (
    OverrideRequiredError,
    is_override,
    require_override,
)
from workstation.compliance.packs import Hold, Limit, RulePack, RulePackError, load_pack, load_packs

__all__ = [
    "LASTING_EVENT_TYPES",
    "AccountFacts",
    "ContactPolicy",
    "Decision",
    "Hold",
    "Limit",
    "OverrideRequiredError",
    "Reason",
    "RulePack",
    "RulePackError",
    "decide",
    "default_policy",
    "is_override",
    "load_pack",
    "load_packs",
    "pack_for",
    "require_override",
]
