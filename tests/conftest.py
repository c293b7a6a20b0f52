"""Shared test settings.

Hypothesis draws its examples from a fixed seed by default, so that the
suite gives the same verdict on every run and in CI; run
``pytest --hypothesis-profile=explore`` to search with fresh random examples.
``make mutate`` sets EMTEACH_MUTATE=1, which loads the "mutate" profile:
mutmut calls the same test from its own executor, which Hypothesis would
otherwise flag, and fewer examples keep thousands of mutant runs affordable.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("book", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=500)
settings.register_profile("mutate", derandomize=True, deadline=None, max_examples=25, database=None,
                          suppress_health_check=[HealthCheck.differing_executors])
settings.load_profile("mutate" if os.environ.get("EMTEACH_MUTATE") else "book")
