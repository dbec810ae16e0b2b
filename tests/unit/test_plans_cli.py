"""``workstation plan …`` from a script's point of view: the issue's JSON, readable tables,
and exit code 2 with a message on stderr for anything a collector typed wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.unit.test_documents_support import pdf_text
from workstation.cli import main

EXAMPLE = [
    "plan",
    "instalments",
    "--principal",
    "10000",
    "--annual-rate",
    "18",
    "--count",
    "12",
    "--frequency",
    "monthly",
    "--first-due",
    "2027-01-15",
    "--as-of",
    "2026-06-01",
]
TERMS = EXAMPLE[2:]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    code, out, err = run(capsys, *argv, "--json")
    assert (code, err) == (0, "")
    data: dict[str, object] = json.loads(out)
    return data


def test_the_issue_example_prints_the_issue_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, *EXAMPLE)
    assert list(data) == ["currency", "principal", "schedule", "total_paid", "total_interest"]
    assert data["currency"] == "CNY"
    assert data["principal"] == "10000.00"
    schedule = data["schedule"]
    assert isinstance(schedule, list)
    assert schedule[0] == {
        "number": 1,
        "due_date": "2027-01-15",
        "payment": "916.80",
        "principal": "766.80",
        "interest": "150.00",
        "balance_after": "9233.20",
    }
    assert len(schedule) == 12
    assert (data["total_paid"], data["total_interest"]) == ("11001.61", "1001.61")


def test_without_json_a_readable_aligned_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *EXAMPLE, "--down-payment", "1000")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Instalment plan: 12 monthly instalments, annuity, 18 % a year (CNY)"
    assert "Down payment  1,000.00" in lines
    header = next(line for line in lines if line.startswith("No."))
    first = lines[lines.index(header) + 1]
    assert header.split() == [
        "No.",
        "Due",
        "date",
        "Payment",
        "Principal",
        "Interest",
        "Balance",
        "after",
    ]
    # Right-aligned columns end where their headers end.
    assert len(first) == len(header)
    assert first.split()[:2] == ["1", "2027-01-15"]
    assert any(line.startswith("Total interest") for line in lines)


def test_equal_principal_in_another_currency(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys, *EXAMPLE, "--method", "equal-principal", "--currency", "jpy", "--principal", "1200"
    )
    assert data["currency"] == "JPY"
    schedule = data["schedule"]
    assert isinstance(schedule, list)
    assert schedule[0]["principal"] == "100"


def test_deferral(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "deferral", *TERMS, "--periods", "3", "--mode", "capitalised"]
    data = run_json(capsys, *argv, "--count-after", "6")
    assert data["accrued_interest"] == "456.78"
    assert data["resumes_on"] == "2027-04-15"
    assert len(data["schedule"]) == 6  # type: ignore[arg-type]
    paid, baseline = Decimal(str(data["total_paid"])), Decimal(str(data["baseline_total_paid"]))
    assert data["extra_cost"] == f"{paid - baseline}"
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert "Extra cost of the pause" in out
    assert "Balance after pause    10,456.78" in out


def test_settlement_with_first_due_and_parts(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "plan",
        "settlement",
        "--balance",
        "10000",
        "--bucket",
        "30-59",
        "--discount",
        "15",
        "--first-due",
        "2026-07-01",
        "--parts",
        "3",
        "--as-of",
        "2026-06-01",
    ]
    data = run_json(capsys, *argv)
    assert data["settlement_amount"] == "8500.00"
    assert [p["amount"] for p in data["parts"]] == ["2833.33", "2833.33", "2833.34"]  # type: ignore[attr-defined]
    policy = data["policy"]
    assert isinstance(policy, dict)
    assert policy["acceptable"] is False
    assert policy["issues"][0]["code"] == "below_minimum"
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert "OUTSIDE POLICY" in out
    assert "  - ¥8,500.00 is below the 90 % minimum" in out
    assert "Settlement in parts (CNY)" in out


def test_settlement_lump_sum_with_explicit_dates(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "settlement", "--balance", "900", "--bucket", "180+", "--amount", "500"]
    data = run_json(capsys, *argv, "--dates", "2026-07-01,", "--as-of", "2026-06-01")
    assert data["parts"] == [{"number": 1, "due_date": "2026-07-01", "amount": "500.00"}]
    code, out, _ = run(capsys, *argv, "--dates", "2026-07-01", "--as-of", "2026-06-01")
    assert code == 0
    assert out.startswith("Lump-sum settlement (CNY)")
    assert "Policy              acceptable" in out


COMPARE = [
    "plan",
    "compare",
    *TERMS,
    "--defer-periods",
    "3",
    "--settle-discount",
    "30",
    "--settle-parts",
    "3",
    "--bucket",
    "90-179",
]


def test_compare_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, *COMPARE, "--income", "8000", "--expenses", "6000")
    options = data["options"]
    assert isinstance(options, list)
    assert [o["kind"] for o in options] == ["instalments", "deferral", "settlement"]
    assert [o["affordable"] for o in options] == [True, True, False]
    assert data["valuation_date"] == "2026-06-01"
    affordability = data["affordability"]
    assert isinstance(affordability, dict)
    assert affordability["max_instalment"] == "1000.00"


def test_compare_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *COMPARE, "--income", "8000", "--expenses", "6000")
    assert code == 0
    assert "Affordable monthly instalment: 1,000.00 (50 % of disposable income 2,000.00)" in out
    rows = [line for line in out.splitlines() if line[:1].isdigit() and "  " in line]
    assert rows[0].split()[:3] == ["1", "instalments", "916.80"]
    # Unaffordable, and outside policy: the last part is more than 180 days away.
    assert rows[2].split()[-2:] == ["NO", "NO"]
    code, out, _ = run(
        capsys, "plan", "compare", *TERMS, "--settle-amount", "9000", "--bucket", "1-29"
    )
    assert code == 0
    assert "Affordable monthly" not in out
    assert out.splitlines()[3].split()[-2:] == ["-", "-"]


def test_no_plan_subcommand_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan")
    assert code == 2
    assert out == ""
    assert "instalments" in err


BAD = [
    (["--principal", "ten"], "not an amount"),
    (["--principal", "10.001"], "more decimals than CNY allows"),
    (["--principal", "1e40"], "not a usable amount"),
    (["--principal", "-5"], "more than zero"),
    (["--annual-rate", "x"], "is not a number"),
    (["--annual-rate", "1000"], "below 1000 %"),
    (["--count", "1.5"], "not a whole number"),
    (["--count", "0"], "at least one instalment"),
    (["--count", "601"], "at most 600"),
    (["--first-due", "15/01/2027"], "write it as YYYY-MM-DD"),
    (["--as-of", "2027-02-01"], "in the past"),
    (["--as-of", "yesterday"], "as-of date"),
    (["--currency", "XYZ"], "not a supported currency"),
    (["--down-payment", "10000"], "less than the principal"),
]


@pytest.mark.parametrize(("change", "words"), BAD)
def test_invalid_input_exits_2_with_the_message_on_stderr(
    capsys: pytest.CaptureFixture[str], change: list[str], words: str
) -> None:
    code, out, err = run(capsys, *EXAMPLE, *change)
    assert code == 2
    assert out == ""
    assert err.startswith("workstation plan instalments: ")
    assert words in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["plan", "deferral", *TERMS, "--periods", "x", "--mode", "frozen"], "not a whole number"),
        (["plan", "deferral", *TERMS, "--periods", "0", "--mode", "waived"], "at least one period"),
        (
            ["plan", "settlement", "--balance", "100", "--bucket", "1-29", "--discount", "5"],
            "Give --first-due",
        ),
        (
            [
                "plan",
                "settlement",
                "--balance",
                "100",
                "--bucket",
                "1-29",
                "--discount",
                "5",
                "--dates",
                "2030-01-01",
                "--first-due",
                "2030-01-01",
            ],
            "not both",
        ),
        (
            [
                "plan",
                "settlement",
                "--balance",
                "100",
                "--bucket",
                "1-29",
                "--discount",
                "5",
                "--first-due",
                "2030-01-01",
                "--parts",
                "0",
            ],
            "2 to 6 parts (got 0)",
        ),
        (
            [
                "plan",
                "settlement",
                "--balance",
                "100",
                "--bucket",
                "1-29",
                "--amount",
                "50",
                "--first-due",
                "2030-01-01",
                "--parts",
                "100000",
                "--frequency",
                "weekly",
            ],
            "2 to 6 parts (got 100000)",
        ),
        (["plan", "compare", *TERMS, "--settle-discount", "10"], "needs the account's --bucket"),
        (["plan", "compare", *TERMS, "--income", "100"], "both --income and --expenses"),
        (["plan", "compare", *TERMS, "--discount-rate", "-3"], "discount rate cannot be negative"),
    ],
)
def test_other_invalid_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert words in err


def test_usage_errors_are_argparse_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["plan", "instalments", "--principal", "5"])
    assert caught.value.code == 2
    assert "required" in capsys.readouterr().err


def test_first_due_defaults_to_checking_against_the_real_today(
    capsys: pytest.CaptureFixture[str],
) -> None:
    soon = (date.today() + timedelta(days=30)).isoformat()
    code, out, _ = run(capsys, *EXAMPLE[:-4], "--first-due", soon, "--json")
    assert code == 0
    assert json.loads(out)["schedule"][0]["due_date"] == soon


# --pdf OUT: a specimen agreement for legal review ------------------------------------------


def test_pdf_option_writes_a_specimen_with_every_instalment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "plan.pdf"
    code, out, err = run(capsys, *EXAMPLE, "--json", "--pdf", str(out_path), "--language", "en")
    assert code == 0
    schedule = json.loads(out)["schedule"]  # stdout stays clean JSON
    assert "wrote specimen agreement" in err
    # pdftotext where poppler is installed, pypdf otherwise (a machine with only Python)
    text = " ".join(pdf_text(out_path.read_bytes()).split())
    for row in schedule:
        assert row["due_date"] in text
        assert f"{Decimal(row['payment']):,.2f}" in text


def test_pdf_option_not_given_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, _, err = run(capsys, *EXAMPLE)
    assert code == 0
    assert err == ""
    assert list(work.iterdir()) == []


def test_pdf_into_a_missing_folder_is_invalid_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, *EXAMPLE, "--pdf", str(tmp_path / "absent" / "plan.pdf"))
    assert code == 2
    assert "does not exist" in err


def test_pdf_that_cannot_be_written_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "plan.pdf").mkdir()  # a folder where the file should go
    code, _, err = run(capsys, *EXAMPLE, "--pdf", str(tmp_path / "plan.pdf"))
    assert code == 1
    assert "cannot write" in err


def test_the_real_command_line() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "workstation.cli", *EXAMPLE, "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["schedule"][0]["payment"] == "916.80"
    bad = subprocess.run(
        [sys.executable, "-m", "workstation.cli", *EXAMPLE, "--count", "0"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "at least one instalment" in bad.stderr
