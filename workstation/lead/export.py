"""KPI export to CSV for the branch meeting: one row per agent and one for the team, then
one row per week of the trend. Ratios as plain numbers (percent 0–100, complaints per
1,000, mean score 1–5), blank where there was no denominator — never a misleading 0."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from workstation.kpi import KPIS
from workstation.lead.types import KpiBlock, KpiReport
from workstation.text import is_chinese

COUNT_COLUMNS = ("attempts", "right_party_contacts", "promises", "promises_due",
                 "promises_kept", "complaints", "accounts")  # fmt: skip


def _cell(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _row(scope: str, who: str, name: str, block: KpiBlock, language: str) -> list[str]:
    del language
    recovery = "; ".join(
        f"{currency} {_cell(value)}"
        for currency, value in sorted(block.recovery_by_currency.items())
    )
    return [
        scope,
        who,
        name,
        *(_cell(block.kpis.get(k.key)) for k in KPIS),
        recovery,
        *(str(block.counts.get(c, "")) for c in COUNT_COLUMNS),
    ]


def header(language: str = "en") -> list[str]:
    zh = is_chinese(language)
    first = ["范围", "编号", "姓名"] if zh else ["scope", "id", "name"]
    units = {"percent": "%", "per_1000": "‰", "score": "1-5"}
    kpis = [f"{k.label(language)} ({units[k.unit]})" for k in KPIS]
    recovery = "各币种回收率 (%)" if zh else "recovery by currency (%)"
    return [*first, *kpis, recovery, *COUNT_COLUMNS]


def rows(report: KpiReport, language: str = "en") -> Iterable[list[str]]:
    zh = is_chinese(language)
    period = f"{report.date_from.isoformat()}..{report.date_to.isoformat()}"
    for agent in report.agents:
        yield _row("agent" if not zh else "个人", agent.username, agent.name, agent.block, language)
    yield _row("team" if not zh else "团队", report.team_id, period, report.team, language)
    for week in report.weeks:
        yield _row(
            "week" if not zh else "周",
            week.week_start.isoformat(),
            "",
            week.block,
            language,
        )


def to_csv(report: KpiReport, language: str = "en") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(language))
    writer.writerows(rows(report, language))
    return buffer.getvalue()


def write_csv(report: KpiReport, path: Path, language: str = "en") -> Path:
    """Write UTF-8 with a BOM (spreadsheet programs then read Chinese names correctly),
    via a temporary file so a half-written export never replaces a good one."""
    path = Path(path)
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(to_csv(report, language), encoding="utf-8-sig", newline="")
    temporary.replace(path)
    return path
