"""The CSMS's OCPP 1.6J side: one handler per connected pole."""
