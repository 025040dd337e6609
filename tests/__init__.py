"""Paalwerk test suite."""
