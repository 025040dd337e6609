"""GUI tests keep their settings (language, remembered service) out of the user's own."""

from __future__ import annotations

import os
import tempfile

# Before the first QApplication exists: Qt reads the settings location once.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="paalwerk-gui-tests-")
