"""KPI export to CSV for the branch meeting: one row per agent and one for the team, then
one row per week of the trend. Ratios as plain numbers (percent 0–100, complaints per
1,000, mean score 1–5), blank where there was no denominator — never a misleading 0.

Then, given the portal's figures for the period (``PortalKpis``), after a blank row, what
the customers did themselves on the self-service portal, the survey response rate and their
own ratings by channel beside the agent-entered scores: one row a figure (section, figure,
value, count)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from workstation.kpi import KPIS
from workstation.lead.portal import PortalKpis, Score
from workstation.lead.types import KpiBlock, KpiReport
from workstation.text import Text, is_chinese

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


_PORTAL = Text("portal", "自助服务")
_FIGURES = {
    "plans": Text("plans agreed on the portal", "自助达成还款计划"),
    "promises": Text("promises made on the portal", "自助承诺还款"),
    "callbacks": Text("callbacks asked for", "自助预约回访"),
    "payments": Text("payments made on the portal", "自助还款笔数"),
    "paid": Text("amount paid on the portal", "自助还款金额"),
    "surveys_sent": Text("surveys sent", "已发送满意度调查"),
    "surveys_answered": Text("surveys answered", "已回复满意度调查"),
    "response_rate": Text("survey response rate (%)", "调查回复率 (%)"),
    "survey": Text("satisfaction, customers' own ratings (1-5)", "客户自评满意度 (1-5)"),
    "agent_entered": Text("satisfaction, agent-entered (1-5)", "坐席录入满意度 (1-5)"),
    "by_channel": Text(
        "satisfaction by channel rated: {channel} (1-5)", "按渠道客户满意度：{channel} (1-5)"
    ),
}
_CHANNELS = {
    "phone": Text("phone", "电话"),
    "visit": Text("visit", "外访"),
    "sms": Text("SMS", "短信"),
    "email": Text("e-mail", "邮件"),
    "unknown": Text("channel not recorded", "渠道未记录"),
}


def portal_rows(portal: PortalKpis, language: str = "en") -> Iterable[list[str]]:
    """The portal's figures as (section, figure, value, count) rows; a rate or a mean is
    blank where nothing was counted, as above."""

    def row(key: str, value: object, count: object = "", channel: str = "") -> list[str]:
        figure = _FIGURES[key]
        if channel:
            figure = figure.format(channel=_CHANNELS.get(channel, Text(channel, channel)))
        shown = "" if value is None else str(value)
        return [_PORTAL.get(language), figure.get(language), shown, str(count)]

    def score(key: str, value: Score, channel: str = "") -> list[str]:
        return row(key, value.mean, value.count, channel)

    yield row("plans", portal.plans)
    yield row("promises", portal.promises)
    yield row("callbacks", portal.callbacks)
    yield row("payments", portal.payments)
    yield row("paid", "; ".join(f"{c} {m.amount}" for c, m in sorted(portal.paid.items())))
    yield row("surveys_sent", portal.surveys_sent)
    yield row("surveys_answered", portal.surveys_answered)
    rate = None if portal.response_rate is None else portal.response_rate * 100
    yield row("response_rate", rate)
    yield score("survey", portal.survey)
    yield score("agent_entered", portal.agent_entered)
    for channel, value in sorted(portal.survey_by_channel.items()):
        yield score("by_channel", value, channel=channel)


def to_csv(report: KpiReport, language: str = "en", portal: PortalKpis | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(language))
    writer.writerows(rows(report, language))
    if portal is not None:
        writer.writerow([])
        zh = is_chinese(language)
        writer.writerow(
            ["范围", "指标", "数值", "笔数"] if zh else ["scope", "figure", "value", "count"]
        )
        writer.writerows(portal_rows(portal, language))
    return buffer.getvalue()


def write_csv(
    report: KpiReport, path: Path, language: str = "en", portal: PortalKpis | None = None
) -> Path:
    """Write UTF-8 with a BOM (spreadsheet programs then read Chinese names correctly),
    via a temporary file so a half-written export never replaces a good one."""
    path = Path(path)
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(to_csv(report, language, portal), encoding="utf-8-sig", newline="")
    temporary.replace(path)
    return path
