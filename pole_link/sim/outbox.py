"""The virtual pole's durable outbox: OCPP messages that must reach the CSMS, in order (eis 53).

A tender pole that loses its back office keeps every transaction event and report for at
least a month and sends them later, in the order they happened and with their original
timestamps. The virtual pole does the same so that offline behaviour, power cuts and process
restarts can be tested against the real CSMS: every message that must be delivered goes
through this queue, and the OCPP client only ever sends the head.

Why SQLite (stdlib `sqlite3`) rather than a file of JSON lines: a commit is atomic, so a
write torn by a crash or a full disk never damages the entries stored before it, and the
WAL journal makes one small INSERT per message cheap.

Durability: WAL journal with ``synchronous=FULL``. Each `append` is its own transaction and
SQLite fsyncs the WAL before the commit returns, so an entry `append` returned survives not
only a crash of the process but also a crash of the host or a real power loss ("written to
disk when it happens"). ``NORMAL`` would survive a process crash too, but may roll back the
last commits on power loss; at a pole's real rate (a few messages a minute) fsync costs
nothing worth saving (`Outbox(..., synchronous="NORMAL")` exists for bulk tests and farms of
simulated poles). The same holds for `delivered` and `assign_transaction_id`.

Transaction ids (SPEC "Transaction ids"): an offline transaction carries the pole's own
negative id until the CSMS answers its StartTransaction. Entries are stored as created, with
the local id; `peek` swaps in the CSMS id at hand-out time, so an entry queued before the
answer is still sent with the CSMS id. `delivered_start_transaction` acknowledges the
StartTransaction and records its CSMS id in one commit, so a crash cannot separate the two.

One pole, one outbox: the database is opened in exclusive locking mode, so a second process
(say a second virtual pole started with the same id) gets a clear `OutboxError` instead of
silently interleaving its messages with the first one's.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal

import platformdirs

from pole_link.errors import PoleLinkError
from pole_link.sim.configuration_keys import check_pole_id

__all__ = [
    "STATE_DIR_ENV",
    "Outbox",
    "OutboxEntry",
    "OutboxError",
    "default_state_dir",
]

log = logging.getLogger(__name__)

STATE_DIR_ENV: Final = "PAALWERK_STATE_DIR"
"""Overrides where virtual poles keep their state (tests, demos, several simulators)."""

Synchronous = Literal["FULL", "NORMAL"]
"""SQLite's ``PRAGMA synchronous`` values that make sense for a WAL outbox."""

_SCHEMA_VERSION: Final = 1
"""Stored in ``PRAGMA user_version``; an outbox from a newer Paalwerk is refused, not guessed at."""

_SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        action TEXT NOT NULL,
        payload TEXT NOT NULL,
        created TEXT NOT NULL,
        local_transaction_id INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS transaction_ids (
        local_id INTEGER PRIMARY KEY,
        csms_id INTEGER NOT NULL
    )""",
)
# AUTOINCREMENT: a seq is never handed out twice, even after the queue ran empty and the
# process restarted, so a late acknowledgement can never remove a newer entry by mistake.

_TRANSACTION_ID_ACTIONS: Final = frozenset({"StopTransaction", "MeterValues"})
"""Requests whose payload has a top-level ``transactionId`` (StartTransaction gets its id)."""
_DATA_TRANSFER: Final = "DataTransfer"

_OPEN_TIMEOUT_S: Final = 0.5
"""How long to wait for another process's lock: briefly, then say who holds the file."""


class OutboxError(PoleLinkError):
    """The outbox cannot store or change its entries (unwritable directory, full disk, locked).

    The message names the database file and SQLite's or the OS's own reason. Entries stored
    before the failure are kept: a failed append changes nothing.
    """


@dataclass(frozen=True)
class OutboxEntry:
    """One queued message, as it is to be sent.

    `seq` orders the queue (strictly increasing, never reused); `created` is when the pole
    produced the message. `payload` is the OCPP 1.6 request body with its original timestamps;
    in an entry from `peek` its transaction id is already the CSMS's where that is known.
    `local_transaction_id` links the entry to the pole's own (negative) transaction id.
    """

    seq: int
    action: str
    payload: dict[str, Any]
    created: datetime
    local_transaction_id: int | None


class Outbox:
    """A FIFO of OCPP messages in a SQLite file that survives restarts, crashes and full disks.

    All methods are thread-safe (one lock around one connection), so the OCPP client may call
    them through `asyncio.to_thread` to keep fsyncs off the event loop.
    """

    _path: Path | None
    _connection: sqlite3.Connection | None  # None once closed
    _count: int
    """Entries waiting, kept beside the table: the file is this object's alone (exclusive
    lock), and ``COUNT(*)`` reads every page of a month's backlog (milliseconds, each time
    the backlog is shown or polled)."""

    def __init__(
        self,
        path: Path,
        *,
        max_bytes: int | None = None,
        synchronous: Synchronous = "FULL",
    ) -> None:
        """Open (or create, with its directories) the outbox at `path`.

        `synchronous` is SQLite's setting for the WAL: ``FULL`` (the default, see the module
        docstring) fsyncs every commit; ``NORMAL`` survives a crash of the process but not of
        the host, for many simulated poles on one machine or tests that queue thousands of
        entries and are not about power loss.

        `max_bytes` caps the file's size (a pole's storage budget): beyond it `append` fails
        with OutboxError exactly as on a full disk, which is also how that case is tested.
        A month offline (about 12,000 MeterValues of seven sampled values) takes about 12 MB.
        """
        if max_bytes is not None and max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, not {max_bytes}")
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError(f"synchronous is 'FULL' or 'NORMAL', not {synchronous!r}")
        self._path = Path(path)
        self._label = str(self._path)
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise OutboxError(
                f"outbox {self._label}: cannot create its directory {self._path.parent}: "
                f"part of that path is a file, not a directory ({_reason(exc)})"
            ) from exc
        except OSError as exc:
            raise OutboxError(
                f"outbox {self._label}: cannot create its directory {self._path.parent}: "
                f"{_reason(exc)}"
            ) from exc
        self._connection = self._connect(str(self._path), synchronous=synchronous)
        self._lock = threading.Lock()
        self._count = self._stored_count(self._connection)
        if max_bytes is not None:
            connection = self._connection
            try:
                page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
                connection.execute(f"PRAGMA max_page_count = {max(1, max_bytes // page_size)}")
            except sqlite3.Error as exc:
                connection.close()
                raise OutboxError(f"outbox {self._label}: cannot open: {_reason(exc)}") from exc

    @classmethod
    def in_memory(cls) -> Outbox:
        """An outbox that lives only as long as the object: for unit tests of other code."""
        outbox = cls.__new__(cls)
        outbox._path = None
        outbox._label = ":memory:"
        outbox._connection = outbox._connect(":memory:", synchronous=None)
        outbox._lock = threading.Lock()
        outbox._count = 0
        return outbox

    @property
    def path(self) -> Path | None:
        """The database file, or None for an in-memory outbox."""
        return self._path

    def _connect(self, target: str, *, synchronous: Synchronous | None) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(
                target,
                timeout=_OPEN_TIMEOUT_S,
                isolation_level=None,  # autocommit: each statement is its own transaction
                check_same_thread=False,  # guarded by self._lock instead
            )
        except sqlite3.Error as exc:
            raise OutboxError(f"outbox {self._label}: cannot open: {_reason(exc)}") from exc
        try:
            if synchronous is not None:
                connection.execute("PRAGMA locking_mode = EXCLUSIVE")
                mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise OutboxError(
                        f"outbox {self._label}: cannot use a WAL journal (got {mode!r})"
                    )
                connection.execute(f"PRAGMA synchronous = {synchronous}")
            self._prepare_schema(connection)
        except sqlite3.Error as exc:
            connection.close()
            reason = _reason(exc)
            if "locked" in reason:
                reason += " (is another virtual pole with the same id running?)"
            raise OutboxError(f"outbox {self._label}: cannot open: {reason}") from exc
        except BaseException:
            connection.close()
            raise
        return connection

    def _stored_count(self, connection: sqlite3.Connection) -> int:
        """Count the entries once, at opening (the only full scan of the table)."""
        try:
            return int(connection.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
        except sqlite3.Error as exc:
            connection.close()
            raise OutboxError(f"outbox {self._label}: cannot read: {_reason(exc)}") from exc

    def _prepare_schema(self, connection: sqlite3.Connection) -> None:
        # BEGIN IMMEDIATE takes the write lock at once; in exclusive locking mode it is then
        # kept until close, which is what keeps a second process out.
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            if version > _SCHEMA_VERSION:
                raise OutboxError(
                    f"outbox {self._label}: written by a newer Paalwerk "
                    f"(schema {version}, this one knows {_SCHEMA_VERSION})"
                )
            for statement in _SCHEMA:
                connection.execute(statement)
            if version < _SCHEMA_VERSION:
                connection.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            connection.rollback()
            raise

    # -- writing -------------------------------------------------------------------------

    def append(
        self,
        action: str,
        payload: dict[str, Any],
        *,
        created: datetime,
        local_transaction_id: int | None = None,
    ) -> OutboxEntry:
        """Queue `payload` behind everything already queued; it is on disk when this returns.

        If `local_transaction_id` is not given but the payload carries a negative (local)
        transaction id, the link is taken from the payload, so the CSMS id still replaces it.

        Raises ValueError for a naive `created`, a payload that is not JSON or a transaction
        id in the payload that contradicts `local_transaction_id`; OutboxError if the entry
        cannot be stored (nothing is stored then).
        """
        if not isinstance(action, str) or not action:
            raise ValueError(f"an outbox action is a non-empty string, not {action!r}")
        if not isinstance(created, datetime):
            raise ValueError(f"{action}: created must be a datetime, not {created!r}")
        if created.tzinfo is None or created.utcoffset() is None:
            raise ValueError(f"{action}: created must carry a UTC offset (got naive {created})")
        if not isinstance(payload, dict):
            raise ValueError(f"{action}: the payload must be a dict, not {type(payload).__name__}")
        try:
            text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{action}: the payload is not JSON-serialisable: {exc}") from exc
        if local_transaction_id is not None:
            _check_transaction_id(action, local_transaction_id)
        local_id = _link(action, payload, local_transaction_id)
        stored = json.loads(text)  # the entry's own copy, exactly what peek will return
        with self._lock:
            connection = self._open_connection()
            try:
                cursor = connection.execute(
                    "INSERT INTO outbox (action, payload, created, local_transaction_id)"
                    " VALUES (?, ?, ?, ?)",
                    (action, text, created.isoformat(), local_id),
                )
                self._count += 1  # committed (autocommit), whatever the read below does
                csms_id = self._csms_id(connection, local_id)
            except sqlite3.Error as exc:
                raise OutboxError(
                    f"outbox {self._label}: could not store {action}: {_reason(exc)}"
                ) from exc
        seq = cursor.lastrowid
        assert seq is not None
        return OutboxEntry(seq, action, _resolve(action, stored, local_id, csms_id), created,
                           local_id)

    def delivered(self, seq: int) -> None:
        """Remove the head entry `seq` because the CSMS answered it.

        Only the head may be acknowledged: the client sends one message at a time and in
        order, so acknowledging anything else is a bug and raises ValueError (nothing changes).
        """
        with self._lock:
            connection = self._open_connection()
            try:
                cursor = connection.execute(
                    "DELETE FROM outbox WHERE seq = ? AND seq = (SELECT MIN(seq) FROM outbox)",
                    (seq,),
                )
                if cursor.rowcount == 1:
                    self._count -= 1
                    return
                head = connection.execute("SELECT MIN(seq) FROM outbox").fetchone()[0]
            except sqlite3.Error as exc:
                raise OutboxError(
                    f"outbox {self._label}: could not remove entry {seq}: {_reason(exc)}"
                ) from exc
        if head is None:
            raise ValueError(f"outbox entry {seq} cannot be delivered: the outbox is empty")
        raise ValueError(f"outbox entry {seq} cannot be delivered: the head is entry {head}")

    def delivered_start_transaction(self, seq: int, csms_id: int) -> None:
        """Acknowledge the head StartTransaction and remember its CSMS id in one commit.

        Doing both atomically closes the window where a crash between `assign_transaction_id`
        and `delivered` would send the StartTransaction twice (or forget the id).
        """
        _check_csms_id(csms_id)
        with self._lock:
            connection = self._open_connection()
            try:
                row = connection.execute(
                    "SELECT seq, action, local_transaction_id FROM outbox ORDER BY seq LIMIT 1"
                ).fetchone()
                if row is None or row[0] != seq:
                    head = "the outbox is empty" if row is None else f"the head is entry {row[0]}"
                    raise ValueError(f"outbox entry {seq} cannot be delivered: {head}")
                if row[1] != "StartTransaction" or row[2] is None:
                    raise ValueError(
                        f"outbox entry {seq} is {row[1]}"
                        + ("" if row[2] is None else f" of transaction {row[2]}")
                        + ", not a StartTransaction with a local transaction id"
                    )
                connection.execute("BEGIN IMMEDIATE")
                try:
                    self._store_mapping(connection, int(row[2]), csms_id)
                    connection.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
                    connection.execute("COMMIT")
                except BaseException:
                    connection.rollback()
                    raise
                self._count -= 1
            except sqlite3.Error as exc:
                raise OutboxError(
                    f"outbox {self._label}: could not remove entry {seq}: {_reason(exc)}"
                ) from exc

    def assign_transaction_id(self, local_id: int, csms_id: int) -> None:
        """Remember durably that the CSMS calls local transaction `local_id` `csms_id`.

        From now on every queued and future entry of that transaction is handed out with
        `csms_id`. A different id for the same transaction replaces the old one (with a
        warning): the latest StartTransaction answer is the one the CSMS keeps open.
        """
        _check_transaction_id("assign_transaction_id", local_id)
        _check_csms_id(csms_id)
        with self._lock:
            connection = self._open_connection()
            try:
                self._store_mapping(connection, local_id, csms_id)
            except sqlite3.Error as exc:
                raise OutboxError(
                    f"outbox {self._label}: could not store transaction id {csms_id} for "
                    f"{local_id}: {_reason(exc)}"
                ) from exc

    def _store_mapping(self, connection: sqlite3.Connection, local_id: int, csms_id: int) -> None:
        old = self._csms_id(connection, local_id)
        if old == csms_id:
            return
        if old is not None:
            log.warning("outbox %s: transaction %d was %d at the CSMS, now %d",
                        self._label, local_id, old, csms_id)
        connection.execute(
            "INSERT OR REPLACE INTO transaction_ids (local_id, csms_id) VALUES (?, ?)",
            (local_id, csms_id),
        )

    # -- reading -------------------------------------------------------------------------

    def peek(self) -> OutboxEntry | None:
        """The oldest undelivered entry, with the CSMS transaction id swapped in, or None."""
        with self._lock:
            connection = self._open_connection()
            try:
                row = connection.execute(
                    "SELECT o.seq, o.action, o.payload, o.created, o.local_transaction_id,"
                    " t.csms_id FROM outbox AS o"
                    " LEFT JOIN transaction_ids AS t ON t.local_id = o.local_transaction_id"
                    " ORDER BY o.seq LIMIT 1"
                ).fetchone()
            except sqlite3.Error as exc:
                raise OutboxError(f"outbox {self._label}: cannot read: {_reason(exc)}") from exc
        if row is None:
            return None
        seq, action, text, created, local_id, csms_id = row
        payload = _resolve(action, json.loads(text), local_id, csms_id)
        return OutboxEntry(seq, action, payload, datetime.fromisoformat(created), local_id)

    def csms_transaction_id(self, local_id: int) -> int | None:
        """The CSMS's id for local transaction `local_id`, or None while it is not known."""
        with self._lock:
            connection = self._open_connection()
            try:
                return self._csms_id(connection, local_id)
            except sqlite3.Error as exc:
                raise OutboxError(f"outbox {self._label}: cannot read: {_reason(exc)}") from exc

    @staticmethod
    def _csms_id(connection: sqlite3.Connection, local_id: int | None) -> int | None:
        if local_id is None:
            return None
        row = connection.execute(
            "SELECT csms_id FROM transaction_ids WHERE local_id = ?", (local_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def backlog(self) -> list[tuple[str, datetime]]:
        """(action, created) of every waiting entry, oldest first: what the pole still owes."""
        with self._lock:
            connection = self._open_connection()
            try:
                rows = connection.execute(
                    "SELECT action, created FROM outbox ORDER BY seq").fetchall()
            except sqlite3.Error as exc:
                raise OutboxError(f"outbox {self._label}: cannot read: {_reason(exc)}") from exc
        return [(str(action), datetime.fromisoformat(created)) for action, created in rows]

    def lowest_local_transaction_id(self) -> int | None:
        """The lowest local (negative) transaction id this outbox still knows, if any.

        A pole restarted while offline must number its next transaction below it, or a
        queued event of an earlier transaction would be resolved to the new one's id.
        """
        with self._lock:
            connection = self._open_connection()
            try:
                row = connection.execute(
                    "SELECT MIN(id) FROM (SELECT local_transaction_id AS id FROM outbox "
                    "UNION ALL SELECT local_id FROM transaction_ids)").fetchone()
            except sqlite3.Error as exc:
                raise OutboxError(f"outbox {self._label}: cannot read: {_reason(exc)}") from exc
        return None if row is None or row[0] is None else int(row[0])

    def __len__(self) -> int:
        """How many entries still wait for the CSMS (shown as the pole's backlog)."""
        with self._lock:
            self._open_connection()  # a closed outbox says so rather than a stale count
            return self._count

    # -- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Checkpoint and close the file (and release the lock); closing twice is harmless."""
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Outbox({self._label!r})"

    def _open_connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise OutboxError(f"outbox {self._label} is closed")
        return self._connection


def default_state_dir(pole_id: str) -> Path:
    """Where the virtual pole `pole_id` keeps its state (its outbox among others).

    ``$PAALWERK_STATE_DIR/<pole_id>`` when that is set, so tests and demos can keep poles
    apart from the user's own; otherwise the platform's per-user state directory.
    """
    check_pole_id(pole_id)
    if pole_id in {".", ".."}:
        raise ValueError(f"{pole_id!r} cannot name a pole's state directory")
    base = os.environ.get(STATE_DIR_ENV)
    if base:
        return Path(base).expanduser() / pole_id
    return Path(platformdirs.user_state_dir("paalwerk")) / "sim" / pole_id


# -- transaction id helpers ----------------------------------------------------------------


def _check_transaction_id(what: str, local_id: int) -> None:
    if isinstance(local_id, bool) or not isinstance(local_id, int) or local_id >= 0:
        raise ValueError(f"{what}: a local transaction id is a negative integer, not {local_id!r}")


def _check_csms_id(csms_id: int) -> None:
    if isinstance(csms_id, bool) or not isinstance(csms_id, int):
        raise ValueError(f"a CSMS transaction id is an integer, not {csms_id!r}")


def _payload_transaction_id(action: str, payload: dict[str, Any]) -> int | None:
    """The transaction id the payload itself carries (in DataTransfer: inside `data`)."""
    if action in _TRANSACTION_ID_ACTIONS:
        value = payload.get("transactionId")
    elif action == _DATA_TRANSFER:
        data = _data_object(payload)
        value = None if data is None else data.get("transactionId")
    else:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _link(action: str, payload: dict[str, Any], local_id: int | None) -> int | None:
    """The entry's local transaction: given, or read from a negative id in the payload."""
    carried = _payload_transaction_id(action, payload)
    if local_id is None:
        return carried if carried is not None and carried < 0 else None
    if carried is not None and carried < 0 and carried != local_id:
        raise ValueError(
            f"{action}: the payload carries transaction {carried}, "
            f"but the entry is linked to {local_id}"
        )
    return local_id


def _data_object(payload: dict[str, Any]) -> dict[str, Any] | None:
    data = payload.get("data")
    if not isinstance(data, str):
        return None
    try:
        parsed = json.loads(data)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _resolve(
    action: str, payload: dict[str, Any], local_id: int | None, csms_id: int | None
) -> dict[str, Any]:
    """Swap the local transaction id for the CSMS's where the payload carries the local one.

    Only a value equal to the local id is replaced, so an id the pole already knew from the
    CSMS when it created the message is never touched.
    """
    if local_id is None or csms_id is None:
        return payload
    if action in _TRANSACTION_ID_ACTIONS:
        if payload.get("transactionId") == local_id:
            payload["transactionId"] = csms_id
    elif action == _DATA_TRANSFER:
        data = _data_object(payload)
        if data is not None and data.get("transactionId") == local_id:
            data["transactionId"] = csms_id
            payload["data"] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return payload


def _reason(exc: BaseException) -> str:
    """SQLite's or the OS's own words, which say whether the disk is full or read-only."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({exc.filename})" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__

