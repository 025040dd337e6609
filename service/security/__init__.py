"""Pole identities and credentials (issue 16, eis 69): who may speak for a pole id.

The OCPP 1.6 security profiles as the CSMS enforces them: profile 1 HTTP Basic, profile 2
TLS plus Basic, profile 3 mutual TLS with certificates from the service's own CA. Every
check happens before the WebSocket upgrade, so an impostor never gets to send a
BootNotification.
"""
