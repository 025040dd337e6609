"""Path parameters shared by several routes, bounded so a caller's typo is a 422, not a 500.

A row id beyond the database's INTEGER (PostgreSQL: 2**31 - 1; SQLite: 2**63 - 1) made the
database driver raise mid-query; no row can have such an id, so the API refuses it up
front with the usual 422 that names the parameter (found by fuzzing the API, eis 69).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

ROW_ID_MAX = 2**31 - 1
"""The largest id any table's INTEGER key holds on every supported database."""

RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX,
                            description="a row id as listed by the API (1 to 2147483647)")]
"""An id of a stored row (a rollout, a token, a log request)."""

Offset = Annotated[int, Query(ge=0, le=ROW_ID_MAX,
                              description="rows to skip (0 to 2147483647)")]
"""How many rows a page skips; past every database's INTEGER it made the query raise."""
