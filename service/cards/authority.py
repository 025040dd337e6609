"""What the CSMS answers about an id tag: Authorize, StartTransaction, StopTransaction.

One place decides, so the three answers never disagree. The register holds the cards the
operator knows; a card it does not hold is *unknown*, answered by a setting
(``CsmsSettings.accept_unknown_id_tags``, README "Cards"). Expiry is judged on the
service's injected clock, never ``datetime.now()``, so tests and replays control it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pole_link.timeutil import format_time
from service.storage.id_tag_models import IdTagRow

ACCEPTED = "Accepted"
UNKNOWN_REFUSED = "Invalid"


class IdTagLookup(Protocol):
    """The register as the judge needs it (`AsyncIdTagRepository` is one)."""

    async def get(self, id_tag: str) -> IdTagRow | None: ...


@dataclass(frozen=True)
class Verdict:
    """The CSMS's answer about one tag, and whether the register knew it."""

    status: str
    known: bool
    expiry_date: datetime | None = None
    parent_id_tag: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status == ACCEPTED

    def id_tag_info(self) -> dict[str, Any]:
        """OCPP 1.6 ``IdTagInfo`` (snake_case: the ocpp library camel-cases answers)."""
        info: dict[str, Any] = {"status": self.status}
        if self.expiry_date is not None:
            info["expiry_date"] = format_time(self.expiry_date)
        if self.parent_id_tag:
            info["parent_id_tag"] = self.parent_id_tag
        return info


def judge(row: IdTagRow | None, at: datetime, *, accept_unknown: bool) -> Verdict:
    """The verdict on a card as the register holds it, at ``at``.

    An Accepted card whose expiry date has come is Expired; the group (``parentIdTag``)
    is returned with every status, so a pole can let cards of one group end each other's
    transactions.
    """
    if row is None:
        return Verdict(ACCEPTED if accept_unknown else UNKNOWN_REFUSED, known=False)
    status = row.status
    if status == ACCEPTED and row.expiry_date is not None and row.expiry_date <= at:
        status = "Expired"
    return Verdict(status, True, row.expiry_date, row.parent_id_tag)


class IdTagAuthority:
    """The register, the unknown-tag setting and the service's clock, together."""

    def __init__(self, lookup: IdTagLookup, *, accept_unknown: bool,
                 clock: Callable[[], datetime]) -> None:
        self.lookup = lookup
        self.accept_unknown = accept_unknown
        self.clock = clock

    async def verdict(self, id_tag: str, *, used_at: datetime | None = None) -> Verdict:
        """The answer for ``id_tag`` now, or — for a transaction the pole reports late
        (started offline, eis 55) — at the moment it was used, if that was earlier: a card
        that was valid when the driver presented it stays valid for that transaction, but
        a card blocked meanwhile is blocked (the register keeps no history of blocks)."""
        now = self.clock()
        at = min(now, used_at) if used_at is not None else now
        return judge(await self.lookup.get(id_tag), at, accept_unknown=self.accept_unknown)
