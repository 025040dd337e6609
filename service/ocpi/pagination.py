"""OCPI pagination for GET-all requests: ``offset``/``limit``, ``date_from`` (inclusive)
and ``date_to`` (exclusive) on ``last_updated``, answered with ``X-Total-Count``,
``X-Limit`` and a ``Link`` to the next page that keeps the request's filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlencode

from fastapi import Request

from service.ocpi.envelope import OcpiError, Status

MAX_LIMIT = 100

ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int
    date_from: datetime | None
    date_to: datetime | None

    @classmethod
    def of(cls, request: Request) -> Page:
        """The page a request asks for; bad values refused with status 2001."""
        query = request.query_params
        try:
            offset = int(query.get("offset", 0))
            limit = min(int(query.get("limit", MAX_LIMIT)), MAX_LIMIT)
        except ValueError:
            raise OcpiError(400, Status.INVALID_PARAMETERS,
                            "offset and limit must be whole numbers") from None
        if offset < 0 or limit < 1:
            raise OcpiError(400, Status.INVALID_PARAMETERS,
                            "offset must be 0 or more and limit 1 or more")
        return cls(offset, limit, _time(query.get("date_from"), "date_from"),
                   _time(query.get("date_to"), "date_to"))

    def select(self, items: Sequence[ItemT], updated: Callable[[ItemT], datetime]
               ) -> tuple[list[ItemT], int]:
        """This page of ``items`` (already in a stable order) and how many match."""
        matching = [item for item in items
                    if (self.date_from is None or updated(item) >= self.date_from)
                    and (self.date_to is None or updated(item) < self.date_to)]
        return matching[self.offset:self.offset + self.limit], len(matching)

    def headers(self, request: Request, total: int) -> dict[str, str]:
        headers = {"X-Total-Count": str(total), "X-Limit": str(self.limit)}
        following = self.offset + self.limit
        if following < total:
            query = dict(request.query_params)
            query.update(offset=str(following), limit=str(self.limit))
            url = str(request.url.replace(query=urlencode(query)))
            headers["Link"] = f'<{url}>; rel="next"'
        return headers


def _time(text: str | None, name: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise OcpiError(400, Status.INVALID_PARAMETERS,
                        f"{name} is not an RFC 3339 date and time: {text!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
