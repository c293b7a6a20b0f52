"""Checks for chapter 8, EM's advantages and disadvantages measured."""
