"""The Commissioning page: the checklist wizard over the open pole, and its report."""
