"""The Firmware view: a signed package onto a pole, on site or across the fleet."""
