"""Draw Ringside's icons from the SVG drawings in resources/icons/, by Qt, at each size.

    python packaging/make_icons.py OUTDIR      → OUTDIR/ringside.ico, OUTDIR/ringside.icns
    python packaging/make_icons.py --sized     → resources/icons/sized/*.png, the icons the app loads

build.spec runs the first when building on Windows or macOS. Both formats hold PNG images, which every
Windows since Vista and every macOS since 10.7 reads, so no imaging library is needed.

The app itself loads ready-drawn PNGs (committed, one per size it asks for) rather than drawing
the SVGs: Qt's SVG renderer and its plugins cost 2.5 MB of memory for the life of the process and
load while the tray first shows. Run `--sized` after changing a drawing; a test compares the
committed PNGs with fresh drawings.

Each drawing has a 64-unit version and hand-fitted 16- and 22-pixel ones whose edges sit on whole
pixels: drawing the big one that small blurs the tile's edges and the glyph. 20 and 24 pixels get the
22-pixel drawing (scaled down, or centred with a pixel of margin); 44 (a 22-pixel tray on a 2x
screen) gets it doubled, where 48 scaled down would blur.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS types that hold PNG data, by pixel size (ic11–ic14 are the @2x variants of the same sizes).
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))


SIZED = ROOT / "resources" / "icons" / "sized"
CHECK_SIZE = 14  # the check mark in check boxes and checked menu items; also drawn at 2x


def draw(drawing: str, size: int) -> QImage:
    """`size` pixels of resources/icons/<drawing>.svg, from the version fitted to that size when
    there is one (see the module's docstring); a missing fitted version falls back to the 64-unit one."""
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPixmap

    from app import resources

    QGuiApplication.instance() or QGuiApplication([])
    grid = 16 if size == 16 else 22 if size in (20, 22, 24, 44) else None
    fitted = resources.path("icons", f"{drawing}-{grid}.svg") if grid else None
    if fitted is None or not fitted.is_file():
        return QIcon(str(resources.path("icons", f"{drawing}.svg"))).pixmap(QSize(size, size)).toImage()
    assert grid is not None
    side = size if size % grid == 0 else min(size, grid)  # whole multiples of the grid keep its edges
    drawn = QIcon(str(fitted)).pixmap(QSize(side, side))
    if drawn.width() == size:
        return drawn.toImage()
    canvas = QPixmap(size, size)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    offset = (size - drawn.width()) // 2
    painter.drawPixmap(offset, offset, drawn)
    painter.end()
    return canvas.toImage()


def sized_icons() -> dict[str, QImage]:
    """File name → image, for every icon the app loads from resources/icons/sized/."""
    from app import resources

    icons = {resources.sized_icon("ringside", size): draw("ringside", size) for size in resources.APP_ICON_SIZES}
    for state in resources.TRAY_ICON_STATES:
        icons.update({resources.sized_icon(f"tray-{state}", size): draw(f"tray-{state}", size)
                      for size in resources.TRAY_ICON_SIZES})
    one, two = resources.CHECK_MARKS
    icons[one] = draw("check", CHECK_SIZE)
    icons[two] = draw("check", 2 * CHECK_SIZE)
    assert sorted(icons) == sorted(resources.sized_icon_files())
    return icons


def write_sized(folder: Path = SIZED) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, image in sized_icons().items():
        assert image.save(str(folder / name), "PNG"), f"could not write {folder / name}"
        written.append(folder / name)
    return written


def png(size: int) -> bytes:
    """The app icon at `size` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    image = draw("ringside", size)
    assert image.width() == size, f"drew {image.width()} pixels for {size}"
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
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
    if argv[1:] == ["--sized"]:
        print(f"{len(write_sized())} icons in {SIZED}")
        return 0
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "build" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    images = {size: png(size) for size in {*ICO_SIZES, *(size for _, size in ICNS_TYPES)}}
    (out / "ringside.ico").write_bytes(ico({s: images[s] for s in ICO_SIZES}))
    (out / "ringside.icns").write_bytes(icns(images))
    print(out / "ringside.ico", out / "ringside.icns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
