"""The ``paalwerk`` command: dispatches to the GUI, the service or the virtual poles."""
