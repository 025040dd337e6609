"""Issue 17 / eis 69 in the app: sign in to a service with a name and password, see who
you are in the status bar, and read a refusal of your role as a sentence — against a real
service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from pytestqt.qtbot import QtBot

from gui.i18n import switch_language
from gui.service_request import failure_text
from gui.views.main_window import MainWindow
from pole_link.service_api import RoleRefused, ServiceClient
from tests.gui.qt_support import shown
from tests.support import running_service

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    kept = MemoryKeyring()
    keyring.set_keyring(kept)
    yield kept
    keyring.set_keyring(previous)


async def test_eis69_signing_in_shows_the_user_and_keeps_only_the_token(
        qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        async with running_service(tmp_path) as api:
            made = await api.client.post("/api/v1/users",
                                         json={"name": "henk", "role": "helpdesk"})
            password = made.json()["password"]
            view = window.connect_view
            view.url.setText(api.url)
            view.sign_in_button.click()
            dialog = view.login_dialog
            assert dialog is not None and dialog.isVisible()
            dialog.name.setText("henk")
            dialog.password.setText("not-" + password)
            dialog.sign_in_button.click()
            assert dialog.password.text() == ""  # never left in the window
            await shown(lambda: dialog.note.text().startswith("Not signed in"))
            assert dialog.note.text() == "Not signed in: The user name or password is wrong."
            dialog.password.setText(password)
            dialog.sign_in_button.click()
            await shown(lambda: not dialog.isVisible())
            assert view.service is not None and view.service.token
            await shown(lambda: window.user_label.text() == "Signed in: henk (helpdesk)")
            assert window.operator is not None
            assert window.operator.may("POST", "/api/v1/poles/{pole_id}/reset")
            assert not window.operator.may("PUT", "/api/v1/poles/{pole_id}/configuration")
            # The pole register is the admins': greyed out, saying why.
            await shown(lambda: not window.register_panel.register_button.isEnabled())
            assert window.register_panel.register_button.toolTip() == (
                "Your role (helpdesk) may not do this; ask a colleague with a role that may.")
            kept = "\n".join(memory_keyring.kept.values())
            assert view.service.token in kept and password not in kept

            async with ServiceClient(view.service) as henk:
                with pytest.raises(RoleRefused) as refused:
                    await henk.configure("PW-0001", "LightIntensity", "40")
            text = failure_text("Changing LightIntensity", refused.value)
            assert text == ("Changing LightIntensity: Your role (helpdesk) may not do this: "
                            "it needs engineer or higher. Ask a colleague who has that role.")

    finally:
        await window.shutdown()


async def test_eis69_the_sign_in_in_dutch_on_the_field_laptop(
        qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    """The screenshot a reviewer looks at: the app in Dutch at 1366×768, signed in, the
    dialog after a wrong password."""
    assert switch_language("nl")
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        async with running_service(tmp_path) as api:
            made = await api.client.post("/api/v1/users",
                                         json={"name": "henk", "role": "helpdesk"})
            view = window.connect_view
            view.url.setText(api.url)
            view.sign_in_button.click()
            dialog = view.login_dialog
            assert dialog is not None
            dialog.name.setText("henk")
            dialog.password.setText(made.json()["password"])
            dialog.sign_in_button.click()
            await shown(lambda: "henk" in window.user_label.text())
            view.sign_in_button.click()
            again = view.login_dialog
            assert again is not None and again is not dialog
            again.name.setText("henk")
            again.password.setText("fout")
            again.sign_in_button.click()
            await shown(lambda: again.note.text() != "" and "…" not in again.note.text())
            OUTPUT.mkdir(exist_ok=True)
            assert window.grab().save(str(OUTPUT / "sign_in_nl.png"))
            assert again.grab().save(str(OUTPUT / "sign_in_dialog_nl.png"))
            again.reject()
    finally:
        await window.shutdown()
        switch_language("en")
