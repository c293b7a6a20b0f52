"""Shared test settings.

Hypothesis draws its examples from a fixed seed by default, so that the
suite gives the same verdict on every run and in CI; run
``pytest --hypothesis-profile=explore`` to search with fresh random examples.
"""

from hypothesis import settings

settings.register_profile("book", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=500)
settings.load_profile("book")
