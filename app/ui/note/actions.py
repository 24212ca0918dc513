"""What the recruiter can do about a note that did not simply go through, as links under its
status (on the card and in the history window):

    failed       Retry · Give up
    unconfirmed  Check <name> (opens the record) · It's there · Send again
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel

from app.core.models import NoteStatus
from app.core.views import Controls, NoteTarget
from app.ui.common.widgets import link_html, link_label

RETRY, CONFIRM, DISMISS, OPEN = "ringside:retry", "ringside:confirm", "ringside:dismiss", "ringside:open"


def actions_html(target: NoteTarget) -> str | None:
    """The links for a note, or None when there is nothing to do."""
    if target.status is NoteStatus.FAILED:
        return f"{link_html('Retry', RETRY)} · {link_html('Give up', DISMISS)}"
    if target.status is NoteStatus.UNCONFIRMED:
        check = link_html(f"Check {target.record.name}", OPEN) if target.record.link else "Check the record"
        return f"{check} · {link_html('It’s there', CONFIRM)} · {link_html('Send again', RETRY)}"
    return None


def note_actions(controls: Controls, call_id: str, target: NoteTarget) -> QLabel | None:
    """A row of links acting on one note, or None when the note needs nothing."""
    text = actions_html(target)
    if text is None:
        return None
    row = link_label(text, name="noteActions")
    row.setOpenExternalLinks(False)  # our own links: handled here
    row.setAccessibleName(f"What to do about the note for {target.record.name}")
    row.linkActivated.connect(lambda href: act(controls, call_id, target, href))
    return row


def act(controls: Controls, call_id: str, target: NoteTarget, href: str) -> None:
    key = target.record.key
    if href == RETRY:
        controls.retry_note(call_id, key)
    elif href == CONFIRM:
        controls.confirm_note(call_id, key)
    elif href == DISMISS:
        controls.dismiss_note(call_id, key)
    elif href == OPEN and target.record.link:
        QDesktopServices.openUrl(QUrl(target.record.link))
