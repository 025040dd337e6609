"""``paalwerk service user …`` and ``paalwerk service audit verify``: accounts and the
audit trail from the service's machine, straight on its database (no token needed: who
can run this can read the database anyway).

``user add`` prints the one-time password once; the user signs in with it (the GUI or
``POST /api/v1/auth/login``). ``audit verify`` walks the hash chain and names every entry
that was changed or removed; it exits 1 then, so a cron job or monitoring notices.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from service.accounts.permissions import Role
from service.accounts.store import AccountError, AccountStore
from service.server import prepare_database
from service.storage.database import StorageError, create_engine_for, database_url_default
from service.storage.repository import Repository


def main(argv: Sequence[str]) -> int:
    """``argv`` begins with ``user`` or ``audit``."""
    parser = argparse.ArgumentParser(prog="paalwerk service",
                                     description="Operator accounts and the audit trail.")
    parser.add_argument("--db", metavar="URL", default=None,
                        help="database URL (default: the service's SQLite file)")
    groups = parser.add_subparsers(dest="group", required=True)
    user = groups.add_parser("user", help="operator accounts").add_subparsers(
        dest="command", required=True)
    add = user.add_parser("add", help="make an account; prints its one-time password")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    listing = user.add_parser("list", help="every account with its role")
    disable = user.add_parser("disable", help="disable an account and sign it out")
    disable.add_argument("name")
    for sub in (add, listing, disable):
        sub.add_argument("--db", metavar="URL", default=argparse.SUPPRESS)
    audit = groups.add_parser("audit", help="the audit trail").add_subparsers(
        dest="command", required=True)
    verify = audit.add_parser("verify", help="check the hash chain; exit 1 when broken")
    verify.add_argument("--db", metavar="URL", default=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = args.db or database_url_default()
    try:
        prepare_database(url)
        engine = create_engine_for(url)
        try:
            return _run(args, AccountStore(engine), Repository(engine))
        finally:
            engine.dispose()
    except StorageError as exc:
        print(f"paalwerk service: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, store: AccountStore, repository: Repository) -> int:
    where = f"paalwerk service {args.group} {args.command}"
    if args.group == "audit":
        problems = repository.verify_audit()
        for problem in problems:
            print(f"audit trail broken at entry #{problem.entry_id}: {problem.description}")
        if problems:
            return 1
        print("audit trail intact: every entry is as it was written", flush=True)
        return 0
    if args.command == "add":
        try:
            password = store.add_user(args.name, args.role)
        except AccountError as exc:
            print(f"{where}: {exc}", file=sys.stderr)
            return 1
        repository.audit("paalwerk service", f"user add {args.name}", f"role {args.role}",
                         result="done")
        print(f"User {args.name} ({args.role}) made. One-time password (shown once, hand "
              f"it over safely): {password}", flush=True)
        return 0
    if args.command == "list":
        for info in store.users():
            state = " (disabled)" if info.disabled else ""
            print(f"{info.name}\t{info.role.value}{state}")
        return 0
    try:
        store.update_user(args.name, disabled=True)
    except KeyError:
        print(f"{where}: no user named {args.name!r}", file=sys.stderr)
        return 1
    repository.audit("paalwerk service", f"user disable {args.name}", result="done")
    print(f"User {args.name} disabled; their tokens are revoked.", flush=True)
    return 0
