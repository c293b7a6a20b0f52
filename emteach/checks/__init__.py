"""Exercise checkers: each compares a student's answer with a value computed independently and prints feedback; none raises.

Split by topic; every public name is re-exported here, so ``emteach.checks.X`` works whatever file X lives in.
``core`` holds chapters 0-5; one module per later chapter.
"""
from emteach.checks.core import *  # noqa: F401,F403
from emteach.checks.struggles import *  # noqa: F401,F403
from emteach.checks.applications import *  # noqa: F401,F403
from emteach.checks.measured import *  # noqa: F401,F403
from emteach.checks.speed import *  # noqa: F401,F403
