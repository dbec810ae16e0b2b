"""The desk's "Send reminder" dialog (SMS / e-mail). ``open_message_dialog`` is the entry."""

from ui.messages.dialog import MessageDialog, open_message_dialog

__all__ = ["MessageDialog", "open_message_dialog"]
