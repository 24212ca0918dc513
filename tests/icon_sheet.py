"""Render every icon at the sizes panels and menus use (44: a 22-pixel tray on a 2x screen), on a
light and a dark panel, magnified three times without smoothing so each pixel shows — for looking
at, not a test.

    python tests/icon_sheet.py [out.png]      (default: packaging/icon-sheet.png)

Icons go through the same code the app uses (`style.tray_icon`, `app_icon`), so a blurry pixel
here is a blurry pixel in the tray.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QRect, QSize, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.resources import TRAY_ICON_STATES as TRAY_STATES  # noqa: E402
from app.ui.common.app_icon import app_icon  # noqa: E402
from app.ui.common.style import tray_icon  # noqa: E402

SIZES = (16, 22, 24, 32, 44, 48, 64)
PANELS = (("#f1f5f9", "#0f172a"), ("#1f2937", "#f8fafc"))  # (panel, text): a light and a dark tray
ZOOM = 3
PAD = 10
LABEL_W = 80


def icons() -> list[tuple[str, QIcon]]:
    return [("app", app_icon()), *((state, tray_icon(state)) for state in TRAY_STATES)]


def render(out: Path) -> Path:
    """One row per icon; each size on a light panel, then on a dark one."""
    rows = icons()
    block = sum(s * ZOOM + PAD for s in SIZES) + PAD
    width = LABEL_W + len(PANELS) * block
    row_h = max(SIZES) * ZOOM + PAD
    image = QImage(width, 24 + row_h * len(rows), QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setFont(QFont("DejaVu Sans", 9))
    for p, (bg, fg) in enumerate(PANELS):
        left = LABEL_W + p * block
        painter.fillRect(left, 0, block, image.height(), QColor(bg))
        painter.setPen(QColor(fg))
        x = left + PAD
        for size in SIZES:
            painter.drawText(QRect(x, 4, size * ZOOM + PAD, 16), Qt.AlignmentFlag.AlignLeft, f"{size} px")
            x += size * ZOOM + PAD
    painter.setPen(QColor("#0f172a"))
    for i, (name, icon) in enumerate(rows):
        top = 24 + i * row_h
        painter.drawText(QRect(6, top, LABEL_W, row_h), Qt.AlignmentFlag.AlignVCenter, name)
        for p in range(len(PANELS)):
            x = LABEL_W + p * block + PAD
            for size in SIZES:
                pixmap = icon.pixmap(QSize(size, size))
                big = pixmap.toImage().scaled(size * ZOOM, size * ZOOM,
                                              mode=Qt.TransformationMode.FastTransformation)
                painter.drawImage(x, top + (row_h - size * ZOOM) // 2, big)
                x += size * ZOOM + PAD
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(out))
    return out


def main(argv: list[str]) -> int:
    QApplication.instance() or QApplication(argv)
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "packaging" / "icon-sheet.png"
    print(render(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
