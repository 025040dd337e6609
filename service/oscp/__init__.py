"""OSCP 2.0 as the Flexibility Provider (eis 32, 63): the grid operator (the Capacity
Provider) sends capacity forecasts per grid group; we cap the sum of the group's poles.

`messages` holds the wire types, `partners` who may talk to us and how we reach them,
`forecasts` the blocks in force, `client` what we send, `provider` the lifecycle
(registration, handshake, heartbeats, measurements), `routes` the ``/oscp/fp/2.0``
endpoints and `split` the pure group load balancing.
"""
