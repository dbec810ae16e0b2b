"""The demo world: a deterministic portfolio for the demo, the backend seed, tests, benchmarks."""

from workstation.demo.generator import (
    DEMO_AGENTS,
    DemoAgent,
    DemoPortfolio,
    generate_portfolio,
    generate_portfolio_with_truth,
)

__all__ = [
    "DEMO_AGENTS",
    "DemoAgent",
    "DemoPortfolio",
    "generate_portfolio",
    "generate_portfolio_with_truth",
]
