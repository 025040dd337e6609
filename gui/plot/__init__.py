"""Live plots of a pole's phase currents: a day of history, drawn at the pixels' resolution."""
