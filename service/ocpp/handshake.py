"""What a pole's upgrade leaves in its connection's ASGI scope, let go once it is accepted.

The scope lives as long as the connection (uvicorn's protocol and Starlette's WebSocket
both hold it), and with it the list of the upgrade's headers as byte pairs: about 1.2 KB
a connection, read by the pole endpoint only before it accepts (the credentials of the
security profile, `service.security.gate.Attempt.from_scope`) and by nothing after (issue
20, memory per connection). The other WebSocket routes (the live feed) keep theirs.
"""

from __future__ import annotations

from starlette.types import Scope

__all__ = ["forget_headers"]


def forget_headers(scope: Scope) -> None:
    """Empty the scope's header list (kept as a list: ASGI says the key is there)."""
    scope["headers"] = []
