"""The server's workflows as tables (DESIGN §10, STYLE 15): complaints, disputes, holds,
approvals and corrections.

Each module holds one workflow's states, the transitions allowed between them, who may make
each and what it writes; the server applies a step only through its table, the desk and the
lead's console enable their buttons from the same table, and the tests walk it. Plain Python
without I/O: ``deadlines`` counts a pack's days in the customer's calendar, ``references``
spells a complaint's reference.
"""
