"""Settings → General: default region (a searchable country list), when to pop, auto-log, card
position, start at login, and — only where no keyring is usable — the opt-in to keep secrets in a
file (after a confirmation that says what it means)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.accounts.backend import SettingsControls
from app.config.settings import GeneralSettings
from app.core.regions import region_label, regions
from app.ui.common.widgets import label, set_state_property

POP_ON = (("ring", "When the phone rings"), ("answer", "When I answer"), ("never", "Never (history only)"))
POSITIONS = (("bottom-right", "Bottom right"), ("top-right", "Top right"), ("bottom-left", "Bottom left"),
             ("top-left", "Top left"))


def _combo(choices: tuple[tuple[str, str], ...], value: str, name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for data, text in choices:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(value)))
    return combo


class GeneralPage(QWidget):
    """Signals:
        changed()

    Test accessors: `region_combo`, `region_error`, `pop_on_combo`, `auto_log_check`,
    `position_combo`, `autostart_check`, `file_secrets_box`, `file_secrets_check`, `confirm_box`
    (the open "store secrets in a file?" question), `values()`.
    """

    changed = Signal()

    def __init__(self, controls: SettingsControls, general: GeneralSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._general = general
        self.setObjectName("generalPage")
        self.confirm_box: QMessageBox | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setSpacing(8)

        self.region_combo = QComboBox()
        self.region_combo.setObjectName("regionCombo")
        self.region_combo.setEditable(True)
        self.region_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code, _name in regions():
            self.region_combo.addItem(region_label(code), code)
        completer = QCompleter(self.region_combo.model(), self.region_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "austr" finds Australia and Austria
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.region_combo.setCompleter(completer)
        index = self.region_combo.findData(general.default_region)
        self.region_combo.setCurrentIndex(index)
        if index < 0:
            self.region_combo.setEditText(general.default_region)
        self.region_combo.setToolTip("Numbers written without a country code are read as this country's.")
        self.region_combo.editTextChanged.connect(self._edited)
        self.region_combo.currentIndexChanged.connect(self._edited)
        self.region_error = label(name="fieldError", role="fieldError", wrap=True)
        self.region_error.hide()
        region = QVBoxLayout()
        region.setSpacing(2)
        region.addWidget(self.region_combo)
        region.addWidget(self.region_error)
        form.addRow("Default country", region)

        self.pop_on_combo = _combo(POP_ON, general.pop_on, "popOnCombo")
        self.pop_on_combo.currentIndexChanged.connect(self._edited)
        form.addRow("Show the card", self.pop_on_combo)
        self.position_combo = _combo(POSITIONS, general.card_position, "positionCombo")
        self.position_combo.currentIndexChanged.connect(self._edited)
        form.addRow("Card position", self.position_combo)
        self.auto_log_check = QCheckBox("Log each call by itself at hang-up (a short automatic note, no form)")
        self.auto_log_check.setObjectName("autoLogCheck")
        self.auto_log_check.setChecked(general.auto_log)
        self.auto_log_check.toggled.connect(self._edited)
        form.addRow("", self.auto_log_check)
        self.autostart_check = QCheckBox("Start Ringside when I log in")
        self.autostart_check.setObjectName("autostartCheck")
        self.autostart_check.setChecked(general.start_at_login)
        if not controls.autostart_available():
            self.autostart_check.setEnabled(False)
            self.autostart_check.setToolTip("Not available in this build.")
        self.autostart_check.toggled.connect(self._edited)
        form.addRow("", self.autostart_check)
        layout.addLayout(form)

        self.file_secrets_box = QGroupBox("Where secrets are kept")
        self.file_secrets_box.setObjectName("fileSecretsBox")
        box = QVBoxLayout(self.file_secrets_box)
        problem = controls.keyring_problem()
        box.addWidget(label(problem or "", name="keyringProblem", wrap=True))
        self.file_secrets_check = QCheckBox("Store secrets in a file only I can read")
        self.file_secrets_check.setObjectName("fileSecretsCheck")
        self.file_secrets_check.setChecked(general.store_secrets_in_file)
        self.file_secrets_check.toggled.connect(self._file_secrets_toggled)
        box.addWidget(self.file_secrets_check)
        self.file_secrets_box.setVisible(problem is not None)
        layout.addWidget(self.file_secrets_box)
        layout.addStretch(1)
        self._edited()

    # -- values ------------------------------------------------------------------------------------------

    def region(self) -> str | None:
        """The chosen region's code; None when the text names no region in the list."""
        text = self.region_combo.currentText().strip()
        index = self.region_combo.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.region_combo.itemData(index))
        code = text.upper()
        return code if self.region_combo.findData(code) >= 0 else None

    def values(self) -> GeneralSettings | None:
        region = self.region()
        if region is None:
            return None
        return self._general.model_copy(update={
            "default_region": region,
            "pop_on": self.pop_on_combo.currentData(),
            "card_position": self.position_combo.currentData(),
            "auto_log": self.auto_log_check.isChecked(),
            "start_at_login": self.autostart_check.isChecked(),
            "store_secrets_in_file": self.file_secrets_check.isChecked(),
        })

    def _edited(self, *_args: object) -> None:
        problem = None if self.region() is not None else "Pick a country from the list (type to search)."
        self.region_error.setText(problem or "")
        self.region_error.setVisible(problem is not None)
        set_state_property(self.region_combo, "invalid", problem is not None)
        self.changed.emit()

    # -- the file opt-in ---------------------------------------------------------------------------------

    def _file_secrets_toggled(self, on: bool) -> None:
        if not on:
            self.changed.emit()
            return
        # Ticking it is not enough: the recruiter confirms knowing what a plain file means.
        self.file_secrets_check.blockSignals(True)
        self.file_secrets_check.setChecked(False)
        self.file_secrets_check.blockSignals(False)
        box = QMessageBox(QMessageBox.Icon.Warning, "Store secrets in a file?",
                          "Without a keyring, Ringside can keep your passwords, API keys and sign-in tokens in a "
                          "file in its data folder that only your user account can read. They are not "
                          "encrypted: anyone who can act as you on this computer, or read its disk, can read "
                          "them.\n\nStore secrets in a file?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("fileSecretsConfirm")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(self._confirmed)
        self.confirm_box = box
        box.open()

    def _confirmed(self, _result: int) -> None:
        box = self.confirm_box
        clicked = box.clickedButton() if box is not None else None
        if box is not None and clicked is not None and box.standardButton(clicked) == QMessageBox.StandardButton.Yes:
            self.file_secrets_check.blockSignals(True)
            self.file_secrets_check.setChecked(True)
            self.file_secrets_check.blockSignals(False)
            self.changed.emit()
        if self.confirm_box is not None:
            self.confirm_box.deleteLater()
            self.confirm_box = None
