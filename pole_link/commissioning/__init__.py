"""Commissioning a pole: checklists that are data, the run's record, its signed report."""
