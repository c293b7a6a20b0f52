"""Plotting for chapter 9, making EM fast."""
