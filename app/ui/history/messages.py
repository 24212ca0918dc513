"""The history window's Messages tab: every notice Ringside showed, newest first, readable after the
toast or balloon went away."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.ui.common.messages import Message, MessageLog
from app.ui.common.widgets import label
from app.ui.history.rows import when_text


class MessagesPanel(QWidget):
    """Test accessors: `list_widget`, `texts()`."""

    def __init__(self, log: MessageLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.empty_label = label("No messages since Ringside started.", name="historyDetail")
        self.list_widget = QListWidget()
        self.list_widget.setObjectName("messagesList")
        self.list_widget.setWordWrap(True)
        self.list_widget.setAlternatingRowColors(True)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list_widget, 1)
        for message in log.messages:
            self._add(message)
        log.added.connect(self._add)
        self._update_empty()

    def _add(self, message: Message) -> None:
        mark = "⚠ " if message.error else ""
        item = QListWidgetItem(f"{when_text(message.at)}  {mark}{message.text}")
        item.setToolTip(message.at.strftime("%c"))
        self.list_widget.insertItem(0, item)
        self._update_empty()

    def _update_empty(self) -> None:
        self.empty_label.setVisible(self.list_widget.count() == 0)

    def texts(self) -> list[str]:
        return [self.list_widget.item(row).text() for row in range(self.list_widget.count())]
