"""Pure report logic for the CSMS: capacity-profile compliance (eis 25, 26, 30) and uptime (eis 48).

Nothing here touches a database, a web framework or an event loop: the storage layer turns
its rows into the plain dataclasses below, and the operator API serves what comes back
(dataclasses, JSON-ready dicts or CSV text). Keeping the arithmetic pure is what lets the
tests prove the numbers the grantor uses to claim back compensation.

The uptime function itself is ``service.reports.uptime.uptime`` (not re-exported here,
where its name would shadow its module); the compliance JSON/CSV writers are
``service.reports.compliance.to_json`` / ``to_csv``.
"""

from service.reports.compliance import (
    AMSTERDAM,
    PEAK,
    LowCurrentOverrule,
    ProgramStart,
    SubperiodReport,
    TransactionRecord,
    compliance_report,
    compliance_reports,
    is_peak_transaction,
    subperiod_bounds,
)
from service.reports.uptime import (
    UPTIME_TARGET_PERCENT,
    ConnectionInterval,
    StatusChange,
    UptimeReport,
    uptime_to_csv,
    uptime_to_json,
)

__all__ = [
    "AMSTERDAM",
    "PEAK",
    "UPTIME_TARGET_PERCENT",
    "ConnectionInterval",
    "LowCurrentOverrule",
    "ProgramStart",
    "StatusChange",
    "SubperiodReport",
    "TransactionRecord",
    "UptimeReport",
    "compliance_report",
    "compliance_reports",
    "is_peak_transaction",
    "subperiod_bounds",
    "uptime_to_csv",
    "uptime_to_json",
]
