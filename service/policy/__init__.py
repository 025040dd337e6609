"""CSMS policies: decisions the CSMS takes on its own schedule (capacity profile, ...)."""
