"""The Commissioning view: a pole's signed reports and what is waiting to sync."""
