"""Firmware rollouts across the fleet (issue 14): a release to many poles, a few at a time."""

from service.rollouts.runner import RolloutRunner

__all__ = ["RolloutRunner"]
