"""The Qt side of a replay (issue 19): the Pole view's replay bar and the window chooser.

The replay itself (`pole_link.replay`) is Qt-free; these widgets only show its state and
turn clicks into its controls.
"""
