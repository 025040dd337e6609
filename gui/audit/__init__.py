"""The Audit screen: who did what through the service, for admins (issue 17, eis 69)."""
