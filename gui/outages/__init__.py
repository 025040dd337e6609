"""The Outages page (issue 19): the service's outage board, grouped by probable cause."""
