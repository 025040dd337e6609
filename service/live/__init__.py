"""The operator live feed: fleet events for everyone, relayed ``Live`` data for watchers."""

from service.live.hub import LiveHub

__all__ = ["LiveHub"]
