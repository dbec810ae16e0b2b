"""Agreement and letter previews in the window: AgreementPreviewDialog (Qt side of
workstation.documents)."""

from ui.documents.preview import AgreementPreviewDialog, open_agreement_preview

__all__ = ["AgreementPreviewDialog", "open_agreement_preview"]
