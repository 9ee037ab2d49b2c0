"""The publication guard: what a reader would see, refused if it names anyone."""
