"""A local effect survives a pull while its event waits in the outbox (issue 14 §1).

The laptop logs CEASE offline: its store carries the flag at once. Meanwhile the customer
changes on the server (the lead's desk edits a contact detail), so the next pulled page
holds that customer without the flag. Applying the page must not take the flag away: the
customer is deferred until the push is acknowledged; then the server's copy (flag and edit)
arrives. The real backend on loopback.
"""

from __future__ import annotations

from tests.sync.conftest import DeviceFactory
from workstation.desk import DeskService, OutcomeInput
from workstation.domain.enums import Channel, CustomerFlag
from workstation.store import CURSOR
from workstation.sync.wire import page_from_wire


def test_a_pull_keeps_a_local_effect_whose_event_is_still_in_the_outbox(
    make_device: DeviceFactory,
) -> None:
    laptop = make_device("li.na")
    laptop.sync()
    desk = DeskService(laptop.store, laptop.api.device_id, "li.na")
    account_id = next(r.account_id for r in laptop.store.queue_rows() if not r.flags)
    customer_id = desk.account(account_id).customer.id
    desk.log_outcome(
        OutcomeInput(account_id, "CEASE", Channel.PHONE, override_reason="she asked us to stop",
                     disclosures_given=desk.account(account_id).call_guide.disclosure_ids)
    )  # fmt: skip
    assert CustomerFlag.CEASE_COMMUNICATION in laptop.store.load_customer(customer_id).flags  # type: ignore[union-attr]

    # the lead's desk changes the same customer on the server meanwhile
    lead = make_device("zhao.min")
    lead.sync()
    version = lead.store.load_customer(customer_id).version  # type: ignore[union-attr]
    lead.store.patch_contact(customer_id, {"name_alt": "Edited at the lead's desk"}, version,
                             lead.api.device_id)  # fmt: skip
    lead.sync()

    # the laptop pulls before it pushes: the customer comes back without the flag
    page = laptop.api.call(
        "GET", "/api/v1/sync/changes", params={"cursor": laptop.store.get_state(CURSOR)}
    )
    pulled = page_from_wire(page)
    server_copy = next(c for c in pulled.customers if c.id == customer_id)
    assert CustomerFlag.CEASE_COMMUNICATION not in server_copy.flags
    result = laptop.store.apply_changes(
        pulled.customers, pulled.accounts, pulled.events, cursor=page["cursor"]
    )
    assert customer_id in result.deferred_customers
    kept = laptop.store.load_customer(customer_id)
    assert kept is not None
    assert CustomerFlag.CEASE_COMMUNICATION in kept.flags  # not lost
    assert not desk.account(account_id).verdicts[Channel.PHONE].allowed

    # the push is acknowledged, and the next pull brings the server's copy: both changes
    laptop.sync()
    laptop.sync()
    after = laptop.store.load_customer(customer_id)
    assert after is not None
    assert CustomerFlag.CEASE_COMMUNICATION in after.flags
    assert after.name_alt == "Edited at the lead's desk"
    assert laptop.store.pending_outbox_count() == 0
