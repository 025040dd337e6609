"""Signed commissioning reports (issue 15): technicians' keys, and reports verified on
upload, stored per pole, refused when tampered with.

A report is evidence for the grantor, so the service takes it only when it holds up:
the signature verifies (`pole_link.commissioning.report.verify_report`), with a key an
operator registered for the technician the record names, for the pole the URL names,
and with the PDF the signature covers. Anything else is refused with 422 and the reason
in words, and the refusal goes to the log and the audit log (never the body).

Keys are registered, never replaced: a technician's new key joins the old ones, so
reports signed before a key rotation still verify and can be uploaded late (a laptop
that was offline for a week).

The PDF is uploaded with the report, not re-rendered here: it embeds the photos, which
the service never sees, and the grantor gets the very document the technician signed
(its SHA-256 is inside the signed JSON).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from typing import Any, NoReturn

from fastapi import APIRouter, Request, Response

from pole_link.commissioning.record import RunRecord
from pole_link.commissioning.report import (
    ReportRefusal,
    ReportRefused,
    canonical_json,
    report_public_key,
    verify_report,
)
from pole_link.commissioning.technician_key import (
    check_name,
    fingerprint_of,
    public_key_from_base64,
)
from service.api.routes import PREFIX, ApiError
from service.ocpp.pole_handler import Clock
from service.storage.models import CommissioningReportRow, TechnicianKeyRow
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)

REPORT_LIMIT = 64 * 1024 * 1024
"""A report with its PDF (photos included) as base64 JSON."""
_KEY_LIMIT = 4096
_REPORT_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "required": ["report", "pdf"], "properties": {
        "report": {"type": "object",
                   "description": "the signed report.json (format "
                                  "paalwerk-commissioning-report/1)"},
        "pdf": {"type": "string", "format": "byte",
                "description": "base64 of the report.pdf the signature covers"}}}}}}}
_KEY_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "required": ["public_key"], "properties": {
        "public_key": {"type": "string", "format": "byte",
                       "description": "base64 of the 32-byte Ed25519 public key"}}}}}}}


def key_json(row: TechnicianKeyRow) -> dict[str, Any]:
    """A registered key as the API shows it (`pole_link.service_api.TechnicianKeyRecord`)."""
    return {"technician": row.technician, "public_key": row.public_key,
            "fingerprint": row.fingerprint, "registered_at": row.registered_at.isoformat()}


def summary_json(row: CommissioningReportRow) -> dict[str, Any]:
    """A stored report in a listing (`pole_link.service_api.CommissioningReportRecord`)."""
    return {"run_id": row.run_id, "pole_id": row.pole_id, "checklist": row.checklist,
            "checklist_version": row.checklist_version, "technician": row.technician,
            "fingerprint": fingerprint_of(base64.b64decode(row.public_key)),
            "started": row.started.isoformat(), "finished": row.finished.isoformat(),
            "passed": row.passed, "uploaded_at": row.uploaded_at.isoformat()}


def build_commissioning_router(repository: AsyncRepository, clock: Clock) -> APIRouter:
    """``/api/v1/technicians/…`` and ``/api/v1/poles/{id}/commissioning-reports`` (bearer
    token, like every operator route)."""
    router = APIRouter(prefix=PREFIX, tags=["commissioning reports"])

    @router.put("/technicians/{name}/key", status_code=201, openapi_extra=_KEY_BODY)
    async def register_key(name: str, request: Request, response: Response
                           ) -> list[dict[str, Any]]:
        """Register a technician's public signing key (``{"public_key": base64}``). The
        key joins the technician's earlier keys (all keep verifying their reports);
        201 for a new key, 200 when it was registered before. Answers every key of the
        technician, oldest first. A key registered for another technician is refused
        (422 ``KeyInUse``)."""
        technician = _technician(name)
        try:
            body = json.loads(await _body(request, _KEY_LIMIT, "the key"))
        except (UnicodeDecodeError, ValueError):
            body = None
        text = body.get("public_key") if isinstance(body, dict) else None
        if not isinstance(text, str):
            raise ApiError(422, "InvalidKey", 'send {"public_key": "<base64 of the 32-byte '
                                              'Ed25519 public key>"}')
        try:
            public_key_from_base64(text)
        except ValueError as exc:
            raise ApiError(422, "InvalidKey", str(exc)) from None
        raw = base64.b64decode(text)
        canonical = base64.b64encode(raw).decode("ascii")
        others = [t for t in await repository.key_holders(canonical) if t != technician]
        if others:
            # One key, one person: else either could sign reports as the other.
            raise ApiError(422, "KeyInUse", f"this key (fingerprint {fingerprint_of(raw)}) is "
                                            f"registered for technician {others[0]!r}; every "
                                            f"technician needs a key of their own")
        row, new = await repository.add_technician_key(TechnicianKeyRow(
            technician=technician, public_key=canonical,
            fingerprint=fingerprint_of(raw), registered_at=clock()))
        if new:
            await repository.audit("api", "technician key registered",
                                   f"{technician}: fingerprint {row.fingerprint}", at=clock())
        else:
            response.status_code = 200
        return [key_json(k) for k in await repository.technician_keys(technician)]

    @router.get("/technicians/{name}/keys")
    async def technician_keys(name: str) -> list[dict[str, Any]]:
        """The technician's registered keys, oldest first (empty: none registered)."""
        return [key_json(k) for k in await repository.technician_keys(_technician(name))]

    async def refuse(pole_id: str, code: str, detail: str, size: int) -> NoReturn:
        where = f"pole {pole_id}, {size} bytes"
        LOGGER.warning("commissioning report refused (%s): %s [%s]", code, detail, where)
        await repository.audit("api", "commissioning report refused",
                               f"{code}: {detail} [{where}]", at=clock())
        raise ApiError(422, code, detail)

    @router.post("/poles/{pole_id}/commissioning-reports", status_code=201,
                 openapi_extra=_REPORT_BODY)
    async def upload_report(pole_id: str, request: Request, response: Response
                            ) -> dict[str, Any]:
        """A signed report and its PDF (``{"report": {…}, "pdf": base64}``), verified
        before it is stored: refused with 422 and ``error`` the reason —
        ``InvalidReport`` (not a report, unknown format, run not finished),
        ``InvalidSignature`` (changed after signing), ``HashMismatch`` (not the signed
        PDF), ``WrongPole`` (the record is of another pole), ``UnknownTechnician`` (no key
        registered for the record's technician), ``UnknownKey`` (signed with a key not
        registered for them), ``ReportExists`` (this run has another report already).
        The same report again answers 200 with the stored summary."""
        data = await _body(request, REPORT_LIMIT, "the report")
        size = len(data)
        try:
            body = json.loads(data)
        except (UnicodeDecodeError, ValueError):
            await refuse(pole_id, ReportRefusal.INVALID_REPORT.value, "the body is not JSON",
                         size)
        report = body.get("report") if isinstance(body, dict) else None
        pdf_text = body.get("pdf") if isinstance(body, dict) else None
        if not isinstance(report, dict) or not isinstance(pdf_text, str):
            await refuse(pole_id, ReportRefusal.INVALID_REPORT.value,
                         'send {"report": <report.json>, "pdf": "<base64 of report.pdf>"}',
                         size)
        try:
            pdf = base64.b64decode(pdf_text, validate=True)
        except (binascii.Error, ValueError):
            await refuse(pole_id, ReportRefusal.INVALID_REPORT.value,
                         "the pdf is not base64", size)
        try:
            record = verify_report(report, pdf)
            _check_sizes(record)
            if record.pole.pole_id != pole_id:
                raise ReportRefused(ReportRefusal.WRONG_POLE,
                                    f"the report is of pole {record.pole.pole_id!r}, not "
                                    f"{pole_id!r}")
            keys = {k.public_key for k in await repository.technician_keys(record.technician)}
            signer = report_public_key(report)
            if not keys:
                raise ReportRefused(ReportRefusal.UNKNOWN_TECHNICIAN,
                                    f"no signing key is registered for technician "
                                    f"{record.technician!r}: register it with PUT "
                                    f"/api/v1/technicians/{{name}}/key")
            if signer not in keys:
                raise ReportRefused(ReportRefusal.UNKNOWN_KEY,
                                    f"the report is signed with a key (fingerprint "
                                    f"{fingerprint_of(base64.b64decode(signer))}) that is "
                                    f"not registered for technician {record.technician!r}")
        except ReportRefused as refused:
            await refuse(pole_id, refused.reason.value, refused.detail, size)
        assert record.finished is not None  # verify_report refuses unfinished runs
        digest = hashlib.sha256(canonical_json(report)).hexdigest()
        row, new = await repository.add_commissioning_report(CommissioningReportRow(
            run_id=record.run_id, pole_id=record.pole.pole_id, checklist=record.checklist,
            checklist_version=record.checklist_version, technician=record.technician,
            public_key=signer, started=record.started, finished=record.finished,
            passed=record.passed, report_sha256=digest,
            report=json.dumps(report, ensure_ascii=False), pdf=pdf, uploaded_at=clock()))
        if not new:
            if row.report_sha256 != digest:
                await refuse(pole_id, "ReportExists",
                             f"run {record.run_id} already has another report (stored "
                             f"{row.uploaded_at.isoformat()}); a run is reported once", size)
            response.status_code = 200
        else:
            await repository.audit("api", "commissioning report accepted",
                                   f"{row.pole_id} run {row.run_id} by {row.technician} "
                                   f"({'passed' if row.passed else 'failed'})", at=clock())
        return summary_json(row)

    @router.get("/poles/{pole_id}/commissioning-reports")
    async def list_reports(pole_id: str) -> list[dict[str, Any]]:
        """The pole's stored reports, newest run first (empty: none yet)."""
        return [summary_json(row) for row in await repository.commissioning_reports(pole_id)]

    @router.get("/poles/{pole_id}/commissioning-reports/{run_id}")
    async def get_report(pole_id: str, run_id: str) -> dict[str, Any]:
        """The signed report JSON as uploaded (anyone can verify it again)."""
        report: dict[str, Any] = json.loads((await stored(pole_id, run_id)).report)
        return report

    @router.get("/poles/{pole_id}/commissioning-reports/{run_id}/pdf",
                response_class=Response,
                responses={200: {"content": {"application/pdf": {}}}})
    async def get_pdf(pole_id: str, run_id: str) -> Response:
        """The report's PDF, the one its signature covers."""
        row = await stored(pole_id, run_id)
        return Response(row.pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="commissioning-{_safe(row.pole_id)}-'
                                   f'{_safe(row.run_id)}.pdf"'})

    async def stored(pole_id: str, run_id: str) -> CommissioningReportRow:
        row = await repository.commissioning_report(run_id)
        if row is None or row.pole_id != pole_id:
            raise ApiError(404, "UnknownReport", f"pole {pole_id!r} has no commissioning "
                                                 f"report of run {run_id!r}")
        return row

    return router


def _technician(name: str) -> str:
    try:
        return check_name(name)
    except ValueError as exc:
        raise ApiError(422, "InvalidTechnician", str(exc)) from None


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)


def _check_sizes(record: RunRecord) -> None:
    """What the tables hold (a longer id would fail in PostgreSQL, not say why)."""
    for what, value, limit in (("run id", record.run_id, 128),
                               ("pole id", record.pole.pole_id, 64),
                               ("checklist", record.checklist, 128),
                               ("checklist version", record.checklist_version, 64)):
        if not value.strip() or len(value) > limit or not value.isprintable():
            raise ReportRefused(ReportRefusal.INVALID_REPORT,
                                f"the record's {what} {value[:40]!r} is not 1–{limit} "
                                f"printable characters")
    try:
        check_name(record.technician)
    except ValueError as exc:
        raise ReportRefused(ReportRefusal.INVALID_REPORT, str(exc)) from None


async def _body(request: Request, limit: int, what: str) -> bytes:
    """The request body, refused (413) past ``limit`` before it is all read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "TooLarge", f"{what} ({declared} bytes) is larger than the "
                                        f"{limit} byte limit")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, "TooLarge", f"{what} is larger than the {limit} byte limit")
    return bytes(body)
