"""The PySide6 desktop app: connect, fleet, live pole view, profiles, firmware, commissioning.

Talks to poles through `pole_link.PoleSession` and to a service over its API; never
imports `service`. Built in its own issue.
"""
