"""The note form's "Log against" part: which CRM records the note will be logged against.

A tick box per record chosen for the call (ticked unless the CRM couldn't link it: then unticked
once, with a notice saying what to do instead, links.py), and a choice per account that found
several people and has none chosen yet. Rebuilt only when what it shows changes, keeping what the
recruiter ticked or picked; "no match" or "still looking" when there is nothing to log against.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QFrame, QLabel, QVBoxLayout, QWidget

from app.core.models import AccountResult, Record
from app.core.ports import NewRecordKind
from app.core.views import CallView
from app.ui.common import format as fmt
from app.ui.common.widgets import add_shown
from app.ui.note.links import UnlinkedNotice

NO_MATCH_TEXT = "No CRM record matched this number — the note will stay in Ringside's history."
STILL_LOOKING_TEXT = "Still looking this number up — matches will appear here as your CRMs answer."


def _choice_text(record: Record) -> str:
    detail = fmt.record_line(record)
    return f"{record.name} ({record.display_type})" + (f" · {detail}" if detail else "")


class NoteTargets:
    """Adds its caption, targets and no-match line to the form's `layout`; `render(view)` after each
    view. `pick(account_id, record_key)` and `create(account_id, kind, prefill)` are what an unlinked
    record's notice offers instead; `changed()` follows each rebuild (the form resizes to it).

    Also: `target_checks` (record key -> QCheckBox), `target_combos` (account id -> QComboBox),
    `unlinked_notices` (record key -> UnlinkedNotice), `no_match_label`, `selected_keys()`.
    """

    def __init__(self, layout: QVBoxLayout, *, pick: Callable[[str, str], None],
                 create: Callable[[str, NewRecordKind, Record], None], changed: Callable[[], None]) -> None:
        self._pick = pick
        self._create = create
        self._changed = changed
        self.target_checks: dict[str, QCheckBox] = {}
        self.target_combos: dict[str, QComboBox] = {}
        self._signature: tuple[object, ...] | None = None
        # Records TrackerRMS couldn't resolve (CallView.unlinked): unticked once, with what to do instead.
        self.unlinked_notices: dict[str, UnlinkedNotice] = {}
        self._unlinked_seen: set[str] = set()

        self._caption = QLabel("LOG AGAINST")
        self._caption.setObjectName("formCaption")
        layout.addWidget(self._caption)
        self._frame = QFrame()
        self._frame.setObjectName("formTargets")
        self._rows = QVBoxLayout(self._frame)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(6)
        layout.addWidget(self._frame)
        self.no_match_label = QLabel()
        self.no_match_label.setObjectName("formNoMatch")
        self.no_match_label.setWordWrap(True)
        layout.addWidget(self.no_match_label)

    def selected_keys(self) -> list[str]:
        """The record keys the note will be logged against, in the order shown."""
        keys = [key for key, box in self.target_checks.items() if box.isChecked()]
        for combo in self.target_combos.values():
            data = combo.currentData()
            if isinstance(data, str) and data:
                keys.append(data)
        return keys

    def render(self, view: CallView) -> None:
        chosen = view.chosen()
        chosen_keys = {r.key for r in chosen}
        undecided = [a for a in view.needs_pick() if not chosen_keys & {r.key for r in a.records}]
        signature = (
            tuple(r.key for r in chosen),
            tuple((a.account_id, a.records) for a in undecided),
            view.complete,
            tuple(sorted((k, v) for k, v in view.unlinked.items() if k in chosen_keys)),
        )
        if signature == self._signature:
            return
        self._signature = signature

        was_checked = {key: box.isChecked() for key, box in self.target_checks.items()}
        was_picked = {aid: combo.currentData() for aid, combo in self.target_combos.items()}
        while self._rows.count():
            item = self._rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.target_checks = {}
        self.target_combos = {}
        self.unlinked_notices = {}

        labels = {a.account_id: a.account_label for a in view.accounts}
        for record in chosen:
            box = QCheckBox(fmt.target_text(labels.get(record.account_id, record.account_id), record))
            box.setObjectName("targetCheck")
            unlinked = view.unlinked.get(record.key)
            fresh = unlinked is not None and record.key not in self._unlinked_seen
            box.setChecked(False if fresh else was_checked.get(record.key, unlinked is None))
            self.target_checks[record.key] = box
            add_shown(self._rows, box)
            if unlinked is not None:
                self._unlinked_seen.add(record.key)
                notice = UnlinkedNotice(view, record, unlinked)
                notice.pickRequested.connect(self._pick)
                notice.createRequested.connect(self._create)
                self.unlinked_notices[record.key] = notice
                add_shown(self._rows, notice)
        for result in undecided:
            add_shown(self._rows, self._combo_row(result, was_picked.get(result.account_id)))

        has_targets = bool(chosen or undecided)
        self._caption.setVisible(has_targets)
        self._frame.setVisible(has_targets)
        if has_targets:
            self.no_match_label.hide()
        else:
            self.no_match_label.setText(NO_MATCH_TEXT if view.complete else STILL_LOOKING_TEXT)
            self.no_match_label.show()
        self._changed()

    def _combo_row(self, result: AccountResult, previous: object) -> QWidget:
        """'Recruit Wizard — 2 matches:' over a full-width choice (names with title and company
        need the width)."""
        row = QWidget()
        row.setObjectName("targetChoice")
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 2, 0, 0)
        column.setSpacing(4)
        count = max([len(result.records), *(r.one_of for r in result.records)])
        label = QLabel(f"{result.account_label} — {count} matches: pick who this call was with")
        label.setObjectName("targetChoiceLabel")
        combo = QComboBox()
        combo.setObjectName("targetCombo")
        combo.setAccessibleName(f"Which {result.account_label} record was this call with?")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(20)
        combo.addItem("Choose who this call was with…", None)
        for record in result.records:
            combo.addItem(_choice_text(record), record.key)
        if isinstance(previous, str):
            index = combo.findData(previous)
            if index >= 0:
                combo.setCurrentIndex(index)
        label.setBuddy(combo)
        column.addWidget(label)
        column.addWidget(combo)
        self.target_combos[result.account_id] = combo
        return row
