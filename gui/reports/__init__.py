"""The Reports page: the tender's evidence per pole and for the fleet (issue 19)."""
