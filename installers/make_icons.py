"""Render the app icon (gui/icons/paalwerk.svg) into the files the installers need.

    python installers/make_icons.py OUT_DIR

writes ``paalwerk.png`` (256 px, Linux .desktop), ``paalwerk.ico`` (16–256 px, Windows)
and ``paalwerk.icns`` (16–1024 px, macOS) into OUT_DIR. The SVG is the only source, so no
binary is kept in the repository that nobody could regenerate; Qt (already a
dependency) renders it, and the two container formats are written here, since both are
just a directory of PNG images (ICO since Windows Vista, ICNS since macOS 10.7).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

SVG = Path(__file__).resolve().parents[1] / "gui" / "icons" / "paalwerk.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128),
              (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024))
"""ICNS element types that hold a PNG image, with their sizes (Apple's icns format)."""


def render_png(size: int, svg: Path = SVG) -> bytes:
    """The SVG drawn on a transparent ``size`` × ``size`` square, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO file of PNG images: header, one directory entry per image, the images."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(images: dict[int, bytes]) -> bytes:
    """An ICNS file of PNG images: ``icns`` + total length, then type + length + PNG each."""
    body = b"".join(kind + struct.pack(">I", 8 + len(images[size])) + images[size]
                    for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(ICO_SIZES) | {size for _, size in ICNS_TYPES})
    images = {size: render_png(size) for size in sizes}
    (out / "paalwerk.png").write_bytes(images[256])
    (out / "paalwerk.ico").write_bytes(ico({size: images[size] for size in ICO_SIZES}))
    (out / "paalwerk.icns").write_bytes(icns(images))
    print(f"icons written to {out}: paalwerk.png, paalwerk.ico, paalwerk.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
