"""Several service processes sharing one fleet through PostgreSQL (``--workers N``)."""

from service.cluster.bus import PgBus
from service.cluster.cluster import Cluster, RemotePole, new_worker_id

__all__ = ["Cluster", "PgBus", "RemotePole", "new_worker_id"]
