"""The local service-port protocol: framing, OCPP-J messages, routing, vendor messages."""
