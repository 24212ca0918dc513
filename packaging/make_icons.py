"""Make the Windows .ico and macOS .icns app icons from resources/icons/ringside*.svg, drawn by Qt
at each size (the 16- and 32-pixel entries from the drawings fitted to those grids).

    python packaging/make_icons.py OUTDIR      → OUTDIR/ringside.ico, OUTDIR/ringside.icns

build.spec runs it when building on Windows or macOS. Both formats hold PNG images, which every
Windows since Vista and every macOS since 10.7 reads, so no imaging library is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS types that hold PNG data, by pixel size (ic11–ic14 are the @2x variants of the same sizes).
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))


def png(size: int) -> bytes:
    """The app icon at `size` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.instance() or QGuiApplication([])
    from PySide6.QtGui import QIcon

    from app import resources
    from app.ui.common.app_icon import SIZES, app_icon

    # The app's own pixmaps where it has one that size; the drawing itself, scaled, above those.
    icon = app_icon() if size in SIZES else QIcon(str(resources.path("icons", "ringside.svg")))
    pixmap = icon.pixmap(size, size)
    assert pixmap.width() == size, f"drew {pixmap.width()} pixels for {size}"
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An .ico file: header, one directory entry per image, then the PNGs."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, payload = b"", b""
    for size, data in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    return header + entries + payload


def icns(images: dict[int, bytes]) -> bytes:
    """An .icns file: 'icns', total length, then (type, length, PNG) blocks."""
    blocks = b"".join(kind + struct.pack(">I", 8 + len(images[size])) + images[size]
                      for kind, size in ICNS_TYPES if size in images)
    return b"icns" + struct.pack(">I", 8 + len(blocks)) + blocks


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "build" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    images = {size: png(size) for size in {*ICO_SIZES, *(size for _, size in ICNS_TYPES)}}
    (out / "ringside.ico").write_bytes(ico({s: images[s] for s in ICO_SIZES}))
    (out / "ringside.icns").write_bytes(icns(images))
    print(out / "ringside.ico", out / "ringside.icns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
