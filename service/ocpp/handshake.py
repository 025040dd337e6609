"""What a pole's upgrade leaves in its connection's ASGI scope, let go once it is accepted.

The scope lives as long as the connection (uvicorn's protocol and Starlette's WebSocket
both hold it), and with it the list of the upgrade's headers as byte pairs: about 1.2 KB
a connection, read by the pole endpoint only before it accepts (the credentials of the
security profile, `service.security.gate.Attempt.from_scope`) and by nothing after (issue
20, memory per connection). The other WebSocket routes (the live feed) keep theirs.

Two more of the scope's dicts, 184 B each, are done with once the pole is accepted: the
path parameters (the pole's id, read when the endpoint starts) and the ``asgi`` versions,
the same two strings for every connection, so one dict of them serves all.
"""

from __future__ import annotations

import contextlib
from typing import Any

from starlette.types import Scope

__all__ = ["forget_headers", "forget_upgrade"]

_asgi_versions: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}
"""One ``asgi`` dict per distinct content (in practice one: the server's versions)."""


def forget_headers(scope: Scope) -> None:
    """Empty the scope's header list (kept as a list: ASGI says the key is there)."""
    scope["headers"] = []


def forget_upgrade(scope: Scope) -> None:
    """Once the pole is accepted: its headers emptied (`forget_headers`), its path
    parameters dropped (an absent key reads as none) and its ``asgi`` dict shared with
    every other connection's equal one (nobody writes to it)."""
    forget_headers(scope)
    scope.pop("path_params", None)
    versions = scope.get("asgi")
    if isinstance(versions, dict):
        with contextlib.suppress(TypeError):  # a value that cannot be a key: kept as is
            key = tuple(sorted(versions.items()))
            scope["asgi"] = _asgi_versions.setdefault(key, versions)
