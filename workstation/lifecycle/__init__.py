"""The account lifecycle as pure functions: money in (allocation, closures, matching) and
time passing (aging, plan monitoring). No I/O: the server applies them in its transactions,
the tests drive them with Hypothesis.
"""
