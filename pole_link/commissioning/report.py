"""The signed commissioning report: ``report.json`` (the facts, machine-readable) and
``report.pdf`` (the same facts for the grantor), written into the run's folder.

``report.json``::

    {"format": "paalwerk-commissioning-report/1",
     "record": <RunRecord.to_json()>,
     "pdf": {"name": "report.pdf", "sha256": <hex of the PDF's bytes>},
     "signature": {"algorithm": "Ed25519", "publicKey": <base64, 32 bytes>,
                   "fingerprint": "ab12 cd34 …", "value": <base64, 64 bytes>}}

The signature is over the *canonical JSON* of everything but ``signature`` (keys sorted,
no spaces, UTF-8, `canonical_json`), so any change to the record — one evidence value,
a step's outcome, the pole — or to the PDF breaks it. Photos are bound by the SHA-256
each attachment carries in the record (and are embedded in the PDF, which is bound by its
hash); the PDF is part of the signed report rather than re-rendered by the service
because the service never sees the photos and the grantor should get exactly the
document the technician signed.

The signature alone proves only that *some* key signed; who it belongs to is the
service's business (`service.api.commissioning_reports` checks the key is registered for
the record's technician).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature

from pole_link.commissioning.pdf import ENGLISH, ReportLabels, render_pdf
from pole_link.commissioning.record import RunRecord
from pole_link.commissioning.technician_key import (
    KeptKey,
    TechnicianKey,
    fingerprint_of,
    keep_key,
    public_key_from_base64,
)

REPORT_FORMAT = "paalwerk-commissioning-report/1"
REPORT_JSON = "report.json"
REPORT_PDF = "report.pdf"
SIGNATURE_ALGORITHM = "Ed25519"


class ReportRefusal(StrEnum):
    """Why a report is not accepted (the service answers with these as ``error``)."""

    INVALID_REPORT = "InvalidReport"          # not a report of a format this version reads
    INVALID_SIGNATURE = "InvalidSignature"    # altered after signing, or signed by another key
    HASH_MISMATCH = "HashMismatch"            # the PDF is not the one the signature covers
    UNKNOWN_TECHNICIAN = "UnknownTechnician"  # no key registered for the record's technician
    UNKNOWN_KEY = "UnknownKey"                # signed by a key not registered for them
    WRONG_POLE = "WrongPole"                  # uploaded for another pole than the record's


class ReportRefused(Exception):
    """A report that does not hold up; `reason` the word for why, `detail` in words."""

    def __init__(self, reason: ReportRefusal, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ReportFiles:
    json_path: Path
    pdf_path: Path


def canonical_json(value: Any) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, UTF-8 (not ASCII-escaped)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def signed_bytes(report: Mapping[str, Any]) -> bytes:
    """What the signature of ``report`` covers: the report without its ``signature``."""
    return canonical_json({k: v for k, v in report.items() if k != "signature"})


def check_attachments(record: RunRecord, folder: Path) -> None:
    """Every attachment is in ``folder`` with the SHA-256 the record holds (`ValueError`
    saying which is not): the report must not vouch for a photo that changed."""
    for step in record.steps:
        for attachment in step.attachments:
            path = folder / attachment.path
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                raise ValueError(f"step {step.title!r}: the attachment {attachment.name!r} "
                                 f"is missing ({path})") from None
            if digest != attachment.sha256.lower():
                raise ValueError(f"step {step.title!r}: the attachment {attachment.name!r} "
                                 f"changed after it was recorded (SHA-256 {digest}, the "
                                 f"record holds {attachment.sha256})")


def sign_report(record: RunRecord, pdf: bytes, key: TechnicianKey) -> dict[str, Any]:
    """The signed report JSON of a finished ``record`` and its rendered ``pdf``."""
    if record.finished is None:
        raise ValueError(f"run {record.run_id} is not finished: only a finished run has a "
                         f"report")
    if key.name != record.technician:
        raise ValueError(f"the run was done by {record.technician!r}; the key of "
                         f"{key.name!r} cannot sign its report")
    report: dict[str, Any] = {
        "format": REPORT_FORMAT, "record": record.to_json(),
        "pdf": {"name": REPORT_PDF, "sha256": hashlib.sha256(pdf).hexdigest()},
    }
    signature = key.sign(signed_bytes(report))
    report["signature"] = {"algorithm": SIGNATURE_ALGORITHM, "publicKey": key.public_base64,
                           "fingerprint": key.fingerprint,
                           "value": base64.b64encode(signature).decode("ascii")}
    return report


def write_report(record: RunRecord, folder: Path, key: TechnicianKey, *,
                 labels: ReportLabels = ENGLISH) -> ReportFiles:
    """Render, sign and write ``report.pdf`` and ``report.json`` into the run's folder
    (attachments are read from there at the record's relative paths). Each file is
    written whole and then renamed, so a closed laptop never leaves half a report."""
    check_attachments(record, folder)
    pdf = render_pdf(record, folder, key.fingerprint, labels=labels)
    report = sign_report(record, pdf, key)
    files = ReportFiles(folder / REPORT_JSON, folder / REPORT_PDF)
    _write_whole(files.pdf_path, pdf)
    _write_whole(files.json_path, json.dumps(report, indent=2, ensure_ascii=False)
                 .encode("utf-8"))
    return files


@dataclass(frozen=True)
class SignedReport:
    """What `sign_finished_run` did: the files and the key that signed them."""

    record: RunRecord
    kept: KeptKey
    files: ReportFiles

    @property
    def key_note(self) -> str:
        """Where the signing key is kept, when that is news to the technician (the key
        was made just now, or lives in a file because this computer has no keyring)."""
        return self.kept.storage if self.kept.created or not self.kept.in_keyring else ""


def sign_finished_run(record: RunRecord, folder: Path, *, key_dir: Path | None = None,
                      labels: ReportLabels = ENGLISH) -> SignedReport:
    """Sign a finished run as its technician: their key from the keyring (made and kept
    on first use; in ``key_dir`` on a computer without one), then `write_report`. The one
    way the app and ``paalwerk commission`` sign, so both keep and announce keys alike.
    Blocking (keyring, files): call it off the GUI thread."""
    kept = keep_key(record.technician, fallback_dir=key_dir)
    return SignedReport(record, kept, write_report(record, folder, kept.key, labels=labels))


def read_report(path: Path) -> dict[str, Any]:
    """A ``report.json`` as written (`ReportRefused` INVALID_REPORT if it is not JSON)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ReportRefused(ReportRefusal.INVALID_REPORT,
                            f"{path} is not a readable report: {exc}") from None
    if not isinstance(data, dict):
        raise ReportRefused(ReportRefusal.INVALID_REPORT, f"{path} holds no JSON object")
    return data


def report_public_key(report: Mapping[str, Any]) -> str:
    """The base64 public key the report says signed it (checked by `verify_report`)."""
    signature = report.get("signature")
    key = signature.get("publicKey") if isinstance(signature, Mapping) else None
    if not isinstance(key, str):
        raise ReportRefused(ReportRefusal.INVALID_REPORT, "the report has no signature "
                                                          "with a public key")
    return key


def verify_report(report: Any, pdf: bytes | None = None) -> RunRecord:
    """The record of a report whose signature verifies with the key it names, and whose
    PDF (when given) is the one signed. `ReportRefused` saying why not."""
    if not isinstance(report, Mapping):
        raise ReportRefused(ReportRefusal.INVALID_REPORT, "a report is a JSON object")
    if report.get("format") != REPORT_FORMAT:
        raise ReportRefused(ReportRefusal.INVALID_REPORT,
                            f"unknown report format {report.get('format')!r} (this version "
                            f"reads {REPORT_FORMAT!r})")
    signature = report.get("signature")
    if not isinstance(signature, Mapping) or signature.get("algorithm") != SIGNATURE_ALGORITHM:
        raise ReportRefused(ReportRefusal.INVALID_REPORT,
                            f"the report is not signed with {SIGNATURE_ALGORITHM}")
    try:
        public_key = public_key_from_base64(report_public_key(report))
        value = base64.b64decode(str(signature.get("value", "")), validate=True)
        data = signed_bytes(report)
    except (ValueError, binascii.Error, TypeError) as exc:
        raise ReportRefused(ReportRefusal.INVALID_REPORT,
                            f"the report's signature cannot be read: {exc}") from None
    try:
        public_key.verify(value, data)
    except InvalidSignature:
        raise ReportRefused(ReportRefusal.INVALID_SIGNATURE,
                            "the signature does not verify: the report was changed after "
                            "it was signed, or signed by another key than the one it "
                            f"names (fingerprint {fingerprint_of(public_key_bytes(report))})"
                            ) from None
    record = _record(report)
    if pdf is not None:
        expected = report.get("pdf")
        want = expected.get("sha256") if isinstance(expected, Mapping) else None
        got = hashlib.sha256(pdf).hexdigest()
        if got != want:
            raise ReportRefused(ReportRefusal.HASH_MISMATCH,
                                f"the PDF (SHA-256 {got}) is not the one the report signs "
                                f"(SHA-256 {want})")
    return record


def public_key_bytes(report: Mapping[str, Any]) -> bytes:
    return base64.b64decode(report_public_key(report))


def _record(report: Mapping[str, Any]) -> RunRecord:
    data = report.get("record")
    try:
        record = RunRecord.from_json(dict(data) if isinstance(data, Mapping) else {})
    except (KeyError, ValueError, TypeError) as exc:
        raise ReportRefused(ReportRefusal.INVALID_REPORT,
                            f"the signed record is not a commissioning record: {exc}") from None
    if record.finished is None:
        raise ReportRefused(ReportRefusal.INVALID_REPORT,
                            f"run {record.run_id} is not finished")
    if isinstance(data, Mapping) and data.get("passed") != record.passed:
        raise ReportRefused(ReportRefusal.INVALID_REPORT,
                            "the record's overall result does not follow from its steps")
    return record


def _write_whole(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)
