"""Operator accounts (issue 17, eis 69): users with a role, their tokens, the permission
table every ``/api/v1`` route is checked against, and the hash-chained audit trail."""
