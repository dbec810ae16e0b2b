"""Plan calculators against the issue's target: a 60-instalment schedule in ≤ 5 ms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.perf.harness import Measurement, benchmark, best_of
from workstation.domain.money import Money
from workstation.plans import Frequency, InstalmentTerms, Method, build_schedule

TARGET_SECONDS = 0.005
TODAY = date(2026, 1, 1)


def _terms(method: Method) -> InstalmentTerms:
    # An odd rate and amount so every period really rounds, as a customer's plan would.
    return InstalmentTerms(
        principal=Money.of("87654.32", "CNY"),
        annual_rate=Decimal("17.85"),
        count=60,
        frequency=Frequency.MONTHLY,
        first_due=date(2026, 1, 31),
        method=method,
        down_payment=Money.of("1234.56", "CNY"),
    )


@benchmark("plans: 60-instalment schedule")
def sixty_instalments() -> list[Measurement]:
    results = []
    for method in Method:
        terms = _terms(method)
        build_schedule(terms, today=TODAY)  # warm-up: imports and caches out of the figure
        seconds = best_of(50, lambda terms=terms: build_schedule(terms, today=TODAY))
        # The annuity (the default method) carries the name; the other is a sibling.
        name = "plans: 60-instalment schedule"
        if method is not Method.ANNUITY:
            name += f", {method.value}"
        results.append(Measurement(name, seconds, TARGET_SECONDS, note=method.value))
    return results
