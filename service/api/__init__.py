"""The operator API (``/api/v1``): bearer tokens, fleet reads, commands to live poles."""

from service.api.errors import ApiError
from service.api.routes import install_error_handlers
from service.api.tokens import TokenStore, default_token_file, ensure_admin_token

__all__ = ["ApiError", "TokenStore", "default_token_file", "ensure_admin_token",
           "install_error_handlers"]
