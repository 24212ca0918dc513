"""packaging/make_icons.py: the Windows .ico and macOS .icns hold the app icon at every size they
promise, as PNGs Qt (like Windows and macOS) can read."""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path
from types import ModuleType

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "packaging" / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def png_size(data: bytes) -> tuple[int, int]:
    image = QImage.fromData(data, "PNG")
    assert not image.isNull()
    return image.width(), image.height()


def test_the_ico_and_icns_hold_every_size(qapp: QApplication, tmp_path: Path) -> None:
    make_icons = load()
    assert make_icons.main(["make_icons.py", str(tmp_path)]) == 0

    ico = (tmp_path / "ringside.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    for i, size in enumerate(make_icons.ICO_SIZES):
        width, height, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * i)
        assert (width or 256, height or 256) == (size, size)
        assert png_size(ico[offset:offset + length]) == (size, size)

    icns = (tmp_path / "ringside.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack_from(">I", icns, 4)[0] == len(icns)
    found: dict[bytes, tuple[int, int]] = {}
    at = 8
    while at < len(icns):
        kind_code, length = icns[at:at + 4], struct.unpack_from(">I", icns, at + 4)[0]
        found[kind_code] = png_size(icns[at + 8:at + length])
        at += length
    assert found == {code: (size, size) for code, size in make_icons.ICNS_TYPES}


def test_the_icons_the_app_loads_are_the_drawings_as_they_are(qapp: QApplication) -> None:
    """The app loads ready-drawn PNGs: each must be what the SVG drawing gives today, so a drawing
    changed without `make_icons.py --sized` fails here, and no PNG is left that nothing draws."""
    make_icons = load()
    fresh = make_icons.sized_icons()
    committed = {path.name for path in make_icons.SIZED.glob("*.png")}
    assert committed == set(fresh)
    for name, image in fresh.items():
        stored = QImage(str(make_icons.SIZED / name))
        assert same_picture(stored, image), f"resources/icons/sized/{name} differs from its drawing"


def same_picture(a: QImage, b: QImage, tolerance: int = 2) -> bool:
    """Equal, or off by a rounding's worth per channel (another Qt or CPU may antialias a hair apart;
    a changed drawing moves pixels by far more)."""
    a, b = (image.convertToFormat(QImage.Format.Format_ARGB32) for image in (a, b))
    if a.size() != b.size():
        return False
    if a == b:
        return True
    return max(abs(x - y) for x, y in zip(bytes(a.constBits()), bytes(b.constBits()), strict=True)) <= tolerance
