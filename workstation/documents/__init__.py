"""Agreement and letter PDFs (reportlab), Qt-free.

Public API:

- ``render_agreement(AgreementContent) -> RenderedDocument`` — the repayment agreement
  (还款协议); ``agreement_from_domain(customer, account, plan, creditor=…, issued_on=…)``
  builds the content from domain objects and a plan calculator's result.
- ``render_letter(kind, LetterContent) -> RenderedDocument`` — payment reminder, settlement
  offer, paid-in-full confirmation.
- ``render_specimen(plan, language) -> bytes`` — a specimen agreement for legal review.
- ``RenderedDocument(pdf, sha256, content_sha256, pages)``: ``sha256`` is the PDF bytes'
  hash (the blob id); ``content_sha256`` is the hash of the canonical JSON of the content,
  printed in every page's footer (see ``workstation.documents.canonical``).
- Rendered PDFs are kept by the local store's one blob store (``Store.put_blob``), sealed
  with the local data key.

Same inputs give byte-identical PDFs. Chinese is set in the bundled, embedded Droid Sans
Fallback; Latin in the bundled Noto Sans.
"""

from workstation.documents.agreement import (
    AccountSummary,
    AgreementContent,
    Party,
    PlanChoice,
    agreement_from_domain,
    creditor_party,
    render_agreement,
)
from workstation.documents.blocks import RenderedDocument
from workstation.documents.errors import DocumentError
from workstation.documents.letters import (
    LetterContent,
    LetterKind,
    PaidInFullDetails,
    ReminderDetails,
    SettlementOfferDetails,
    render_letter,
)
from workstation.documents.specimen import render_specimen, specimen_content
from workstation.documents.texts import DocumentLanguage

__all__ = [
    "AccountSummary",
    "AgreementContent",
    "DocumentError",
    "DocumentLanguage",
    "LetterContent",
    "LetterKind",
    "PaidInFullDetails",
    "Party",
    "PlanChoice",
    "ReminderDetails",
    "RenderedDocument",
    "SettlementOfferDetails",
    "agreement_from_domain",
    "creditor_party",
    "render_agreement",
    "render_letter",
    "render_specimen",
    "specimen_content",
]
