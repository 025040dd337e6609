"""Signed firmware: the signing scheme, the package format and the local update protocol."""
