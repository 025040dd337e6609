"""The CSMS: OCPP 1.6J central system, operator API, storage, capacity policy and reports.

Depends on `pole_link` only; never on `gui`. Built in its own issue.
"""
