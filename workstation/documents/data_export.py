"""The readable summary of a data-subject access request (China PIPL art. 45, UK/EU GDPR art. 15).

``render_data_summary(summary)`` turns what the server holds about one customer — already
gathered into plain rows by the server's export — into a bilingual PDF: personal details,
contact details, accounts, the history of contacts and payments, the documents held, and any
legal hold. The machine-readable whole goes beside it as JSON; this is the copy a person
reads. Same content, same bytes (the footer carries the content SHA-256 like every document).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.platypus import Flowable, Spacer

from workstation.documents import blocks
from workstation.documents.blocks import CONTENT_WIDTH, PageDecor, RenderedDocument
from workstation.documents.canonical import canonical_json, sha256_hex
from workstation.documents.texts import DocumentLanguage
from workstation.text import Text

TITLE = Text("Your personal data", "您的个人信息")
INTRO = Text(
    "This is everything we hold about you on the date below: your details, your accounts, "
    "every contact and payment we recorded, and the documents we keep. The enclosed file "
    "data.json holds the same in full, for a computer to read.",
    "以下是截至下列日期我们持有的您的全部信息：您的个人资料、账户、我们记录的每一次联系与还款，"
    "以及我们保存的文件。随附的 data.json 文件以机器可读的形式包含相同的完整内容。",
)
GENERATED = Text("Prepared on", "生成日期")
CUSTOMER_ID = Text("Customer reference", "客户编号")
PERSONAL = Text("Personal details", "个人资料")
CONTACTS = Text("Contact details", "联系方式")
ACCOUNTS = Text("Accounts", "账户")
HISTORY = Text("Contacts and payments", "联系与还款记录")
DOCUMENTS = Text("Documents we keep", "我们保存的文件")
HOLDS = Text("Legal holds", "法律保全")
NONE = Text("None", "无")
ACCOUNT_COLUMNS = (
    Text("Account", "账户"),
    Text("Product", "产品"),
    Text("Currency", "币种"),
    Text("Balance", "余额"),
    Text("Status", "状态"),
    Text("Placed on", "委托日期"),
)
EVENT_COLUMNS = (
    Text("Date (UTC)", "日期（UTC）"),
    Text("Record", "记录"),
    Text("Channel", "渠道"),
    Text("Outcome", "结果"),
    Text("Amount", "金额"),
)
DOCUMENT_COLUMNS = (
    Text("Document", "文件"),
    Text("Kind", "类型"),
    Text("Bytes", "字节"),
)


@dataclass(frozen=True, slots=True)
class DataSummary:
    """What the summary prints; plain strings, gathered by the caller."""

    customer_id: str
    prepared_on: date
    personal: Sequence[tuple[Text, str]]
    contacts: Sequence[tuple[Text, str]]
    accounts: Sequence[Sequence[str]]  # rows of ACCOUNT_COLUMNS
    events: Sequence[Sequence[str]]  # rows of EVENT_COLUMNS
    documents: Sequence[Sequence[str]]  # rows of DOCUMENT_COLUMNS
    holds: Sequence[str] = field(default_factory=tuple)
    author: str = "Collector Workstation"

    def canonical(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "prepared_on": self.prepared_on.isoformat(),
            "personal": [[k.en, v] for k, v in self.personal],
            "contacts": [[k.en, v] for k, v in self.contacts],
            "accounts": [list(r) for r in self.accounts],
            "events": [list(r) for r in self.events],
            "documents": [list(r) for r in self.documents],
            "holds": list(self.holds),
        }


def render_data_summary(summary: DataSummary) -> RenderedDocument:
    language = DocumentLanguage.BOTH
    content_hash = sha256_hex(canonical_json(summary.canonical()))
    decor = PageDecor(
        title=TITLE,
        language=language,
        reference=summary.customer_id[:13],
        content_sha256=content_hash,
        issued_on=summary.prepared_on,
        author=summary.author,
        reference_label="letter_reference",
    )
    pdf, pages = blocks.build_pdf(_story(summary, language), decor)
    return RenderedDocument(
        pdf=pdf, sha256=sha256_hex(pdf), content_sha256=content_hash, pages=pages
    )


def _story(summary: DataSummary, language: DocumentLanguage) -> list[Flowable]:
    s = blocks.styles()
    story: list[Flowable] = [*blocks.title(TITLE, language), Spacer(1, 6)]
    story.append(blocks.paragraph(INTRO.en, s.body_en))
    story.append(blocks.paragraph(INTRO.zh, s.body_zh))
    story.append(Spacer(1, 6))
    story.append(
        blocks.key_values(
            [(CUSTOMER_ID, summary.customer_id), (GENERATED, summary.prepared_on.isoformat())],
            language,
            columns=1,
        )
    )

    def facts(heading: Text, rows: Sequence[tuple[Text, str]]) -> None:
        story.extend(blocks.section(None, heading, language))
        story.append(blocks.key_values(list(rows) or [(NONE, "")], language, columns=1))

    def table(
        heading: Text,
        header: Sequence[Text],
        rows: Sequence[Sequence[str]],
        shares: Sequence[float],
        right: Sequence[int] = (),
    ) -> None:
        story.extend(blocks.section(None, heading, language))
        if not rows:
            story.append(blocks.paragraph(NONE.joined(language), s.body_en))
            return
        story.append(
            blocks.columns_table(
                list(header),
                [[_latin(cell) for cell in row] for row in rows],
                language,
                [CONTENT_WIDTH * share for share in shares],
                right_aligned=right,
            )
        )

    facts(PERSONAL, summary.personal)
    facts(CONTACTS, summary.contacts)
    table(ACCOUNTS, ACCOUNT_COLUMNS, summary.accounts, (0.2, 0.2, 0.1, 0.18, 0.14, 0.18), (3,))
    table(HISTORY, EVENT_COLUMNS, summary.events, (0.2, 0.22, 0.14, 0.26, 0.18), (4,))
    table(DOCUMENTS, DOCUMENT_COLUMNS, summary.documents, (0.6, 0.25, 0.15), (2,))
    facts(HOLDS, [(HOLDS, hold) for hold in summary.holds])
    return story


def _latin(cell: str) -> str:
    """Table cells are set in the Latin table font: codes and figures only (names, which may
    be in any script, are printed in the key/value blocks above)."""
    if cell.isascii():
        return cell
    plain = cell.translate(_PUNCTUATION)
    return unicodedata.normalize("NFKD", plain).encode("ascii", "replace").decode()


_PUNCTUATION = str.maketrans({"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"'})
