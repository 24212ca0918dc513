"""In the note form, under a record the note can't be linked to (TrackerRMS found no single record by
its name): why, and what to do instead — pick another of the account's matches, or create the record.

The form unticks such a record, so nothing is logged against it unless the recruiter ticks it again
(and then delivery fails with the same reason rather than log an unlinked activity).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.models import Record, RecordType
from app.core.ports import NewRecordKind
from app.core.views import CallView
from app.ui.card.create_record import create_text
from app.ui.common import format as fmt

_KIND_OF = {RecordType.CONTACT: NewRecordKind.CONTACT, RecordType.CANDIDATE: NewRecordKind.CANDIDATE}


class UnlinkedNotice(QFrame):
    """Signals:
        pickRequested(str, str)            account id, record key: log against this match instead
        createRequested(str, object, object)  account id, NewRecordKind, the unlinked Record (to prefill)

    Test accessors: `reason_label`, `pick_combo` (None without other matches), `create_buttons`.
    """

    pickRequested = Signal(str, str)
    createRequested = Signal(str, object, object)

    def __init__(self, view: CallView, record: Record, reason: str) -> None:
        super().__init__()
        self.record = record
        self.setObjectName("unlinkedNotice")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(26, 0, 0, 4)  # under the check box's text
        layout.setSpacing(6)
        self.reason_label = QLabel(reason)
        self.reason_label.setObjectName("unlinkedReason")
        self.reason_label.setWordWrap(True)
        layout.addWidget(self.reason_label)

        result = next((a for a in view.accounts if a.account_id == record.account_id), None)
        others = [r for r in (result.records if result is not None else ()) if r.key != record.key]
        self.pick_combo: QComboBox | None = None
        if others:
            self.pick_combo = QComboBox()
            self.pick_combo.setObjectName("unlinkedPick")
            self.pick_combo.setAccessibleName("Log against another match instead")
            self.pick_combo.addItem("Pick another match…", None)
            for other in others:
                self.pick_combo.addItem(f"{other.name} ({other.display_type})"
                                        + (f" · {fmt.record_line(other)}" if fmt.record_line(other) else ""),
                                        other.key)
            self.pick_combo.activated.connect(self._picked)
            layout.addWidget(self.pick_combo)

        creatable = view.creatable.get(record.account_id)
        kind = _KIND_OF.get(record.type)
        kinds = [kind] if kind is not None else [NewRecordKind.CONTACT, NewRecordKind.CANDIDATE]
        offered = [k for k in kinds if creatable is not None and any(k is c for c, _ in creatable.kinds)]
        self.create_buttons: dict[NewRecordKind, QPushButton] = {}
        if creatable is not None and offered:
            row = QHBoxLayout()
            row.setSpacing(6)
            for option in offered:
                button = QPushButton(create_text(creatable, option) + "…")
                button.setObjectName("createButton")
                button.setAutoDefault(False)
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.clicked.connect(lambda _=False, k=option: self.createRequested.emit(
                    self.record.account_id, k, self.record))
                self.create_buttons[option] = button
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)

    def focus_chain(self) -> list[QWidget]:
        stops: list[QWidget] = [self.pick_combo] if self.pick_combo is not None else []
        return stops + list(self.create_buttons.values())

    def _picked(self, index: int) -> None:
        assert self.pick_combo is not None
        key = self.pick_combo.itemData(index)
        if isinstance(key, str):
            self.pickRequested.emit(self.record.account_id, key)
