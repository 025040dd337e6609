"""The virtual pole: a faithful stand-in for a tender pole."""
