"""The operator API (``/api/v1``): bearer tokens, fleet reads, commands to live poles."""

from service.api.routes import ApiError, install_api
from service.api.tokens import TokenStore, default_token_file, ensure_admin_token

__all__ = ["ApiError", "TokenStore", "default_token_file", "ensure_admin_token", "install_api"]
