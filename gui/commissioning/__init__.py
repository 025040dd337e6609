"""The Commissioning page: the checklist wizard over the open pole, its signed report,
the pole's reports at the service and what is waiting to sync."""
