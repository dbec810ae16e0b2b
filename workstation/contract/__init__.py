"""One contract for what travels between a device and the backend (DESIGN §10).

Everything here is plain Python (stdlib dataclasses, one generic codec): the desktop imports
it without a server dependency, the server derives its OpenAPI schemas from it.

- ``events``: one typed payload per ``EventType`` (``PAYLOADS``);
- ``mutations``: what a device pushes (``Push``, ``Mutation``, one payload per mutation type);
- ``contacts``: the client-patchable contact fields (``PATCHES``), one table for both sides;
- ``effects``: what an event changes (flags, status, opt-outs, invalid numbers);
- ``codec``: ``decode`` / ``encode`` / ``json_schema`` from the field types and their
  constraint metadata; ``values``: the shared value types and the date windows.

How to add an event type (or a field to one):

1. add the member to ``workstation.domain.enums.EventType`` (its wire spelling);
2. declare its payload in ``events.py`` as a ``@dataclass(frozen=True, slots=True,
   kw_only=True)`` class, each field typed with the value types of ``values.py`` (money is
   ``PositiveAmount`` / ``MoneyAmount`` next to a ``currency: CurrencyCode``; business dates
   get a ``Window``; optional fields are ``T | None = None``), and register it in
   ``PAYLOADS``. Every key any writer puts into the payload must be a field: the server
   refuses unknown keys;
3. if the event changes flags, the account's status or contact records, say so in
   ``effects.effects`` (and in the table of its docstring) — the server and the devices
   both apply it from there;
4. the round trip test (``tests/server/test_contract_roundtrip.py``) needs one example of
   it in ``EXAMPLES``; it fails until there is one.
"""

from workstation.contract.codec import ContractError, decode, encode, json_schema, normalise
from workstation.contract.effects import Effects, effects, touches_customer
from workstation.contract.events import PAYLOADS, payload_of, typed
from workstation.contract.mutations import MUTATIONS, MutationType

__all__ = [
    "MUTATIONS",
    "PAYLOADS",
    "ContractError",
    "Effects",
    "MutationType",
    "decode",
    "effects",
    "encode",
    "json_schema",
    "normalise",
    "payload_of",
    "touches_customer",
    "typed",
]
