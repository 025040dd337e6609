"""installers/make_icons.py: the installers' icon files, rendered from the one SVG."""

from __future__ import annotations

import struct
from pathlib import Path

from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import QApplication

from installers.make_icons import ICNS_TYPES, ICO_SIZES, main


def test_png_ico_and_icns_are_written_and_read_back(tmp_path: Path, qapp: QApplication
                                                    ) -> None:
    """(``qapp``: the suite's one QApplication, so the script makes no QGuiApplication that
    would leave later widget tests without one.)"""
    assert main([str(tmp_path)]) == 0
    png = QImage(str(tmp_path / "paalwerk.png"))
    assert (png.width(), png.height()) == (256, 256)
    assert png.pixelColor(128, 128).alpha() == 255  # drawn, not blank

    reader = QImageReader(str(tmp_path / "paalwerk.ico"))  # Qt's own ICO reader
    assert reader.imageCount() == len(ICO_SIZES)
    sizes = []
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        sizes.append(reader.read().width())
    assert sorted(sizes) == sorted(ICO_SIZES)

    data = (tmp_path / "paalwerk.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    offset, kinds = 8, []
    while offset < len(data):
        kind, length = data[offset:offset + 4], struct.unpack(">I", data[offset + 4:offset + 8])[0]
        image = QImage.fromData(data[offset + 8:offset + length], "PNG")
        assert image.width() == dict(ICNS_TYPES)[kind]
        kinds.append(kind)
        offset += length
    assert kinds == [kind for kind, _ in ICNS_TYPES]
