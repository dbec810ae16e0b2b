"""``--pdf OUT [--language en|zh|both]`` for the plan command line.

Owns the two functions the plan CLI calls: ``add_pdf_arguments(parser)`` adds the options and
``handle_pdf_option(args, plan_result)`` renders a specimen agreement (sample customer,
"SPECIMEN" watermark) for the computed plan and writes it atomically to OUT.
``write_specimen_for_plan_cli`` fits the plan CLI's ``OutputOption.write`` hook instead. Nothing is
printed on stdout, so ``--json`` output stays clean; one line on stderr says what was written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from workstation.documents.agreement import PlanChoice
from workstation.documents.blocks import RenderedDocument
from workstation.documents.errors import DocumentError
from workstation.documents.specimen import render_specimen_document
from workstation.documents.texts import DocumentLanguage
from workstation.plans.compare import Comparison, OptionSummary


def add_pdf_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("specimen agreement")
    group.add_argument(
        "--pdf",
        metavar="OUT",
        type=Path,
        default=None,
        help="also render a specimen repayment agreement for this plan (sample customer) to OUT",
    )
    group.add_argument(
        "--language",
        dest="pdf_language",
        choices=[language.value for language in DocumentLanguage],
        default=DocumentLanguage.BOTH.value,
        help="language of the --pdf agreement: en, zh or both (default: both)",
    )
    group.add_argument(
        "--jurisdiction",
        dest="pdf_jurisdiction",
        default=None,
        help="rule pack whose statements the --pdf agreement prints "
        "(us-regf, uk-conc, cn-nifa; default: from the currency)",
    )


def _plan(plan_result: object) -> PlanChoice | OptionSummary:
    if isinstance(plan_result, Comparison):
        if not plan_result.options:
            raise DocumentError("The comparison has no options to print.")
        return plan_result.options[0]
    from workstation.plans.deferral import Deferral
    from workstation.plans.schedule import Schedule
    from workstation.plans.settlement import Settlement

    if isinstance(plan_result, Schedule | Deferral | Settlement | OptionSummary):
        return plan_result
    raise DocumentError(
        f"Cannot print an agreement for a {type(plan_result).__name__}; "
        "expected a schedule, a deferral or a settlement."
    )


def handle_pdf_option(args: argparse.Namespace, plan_result: object) -> None:
    """Render the specimen if ``--pdf`` was given; raises ``DocumentError`` for bad input
    (the CLI maps it to exit code 2 like any other invalid input)."""
    out: Path | None = getattr(args, "pdf", None)
    if out is None:
        return
    write_specimen(
        plan_result,
        out,
        DocumentLanguage.parse(getattr(args, "pdf_language", "both")),
        jurisdiction=getattr(args, "pdf_jurisdiction", None),
    )


def write_specimen_for_plan_cli(command: str, plan_result: object, out: Path) -> None:
    """Matches ``workstation.plan_cli.OutputOption.write``: a bilingual specimen to ``out``
    (for wiring through ``add_output_option`` instead of ``add_pdf_arguments``)."""
    del command  # every plan subcommand prints the same kind of agreement
    write_specimen(plan_result, out, DocumentLanguage.BOTH)


def write_specimen(
    plan_result: object,
    out: Path,
    language: DocumentLanguage,
    *,
    jurisdiction: str | None = None,
) -> RenderedDocument:
    """Render the specimen agreement for ``plan_result`` and write it atomically to ``out``."""
    document = render_specimen_document(_plan(plan_result), language, jurisdiction=jurisdiction)
    out = out.expanduser()
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise DocumentError(f"Cannot write {out}: the folder {directory} does not exist.")
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(document.pdf)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    print(
        f"wrote specimen agreement {out} ({document.pages} page(s), "
        f"content SHA-256 {document.content_sha256})",
        file=sys.stderr,
    )
    return document
