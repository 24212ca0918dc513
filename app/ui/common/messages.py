"""Messages the app showed (toasts, balloons), kept so they can be read after they expired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Signal

KEEP = 200  # the newest; older ones drop off


@dataclass(frozen=True)
class Message:
    at: datetime
    text: str
    error: bool = False


class MessageLog(QObject):
    """Signals:
        added(Message)
    """

    added = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.messages: list[Message] = []

    def add(self, text: str, *, error: bool = False) -> Message:
        message = Message(datetime.now().astimezone(), text, error)
        self.messages = [*self.messages[-(KEEP - 1):], message]
        self.added.emit(message)
        return message
