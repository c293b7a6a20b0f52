"""Plotting: takes computed arrays, draws them, returns the axes; never fits.

Split by topic; every public name is re-exported here, so ``emteach.plotting.X`` works whatever file X lives in.
``core`` holds the palette, shared helpers and chapters 0-3, ``em`` chapters 4-5; one module per later chapter.
"""
from emteach.plotting.core import *  # noqa: F401,F403
from emteach.plotting.em import *  # noqa: F401,F403
from emteach.plotting.alt import *  # noqa: F401,F403
from emteach.plotting.struggles import *  # noqa: F401,F403
from emteach.plotting.applications import *  # noqa: F401,F403
from emteach.plotting.measured import *  # noqa: F401,F403
from emteach.plotting.speed import *  # noqa: F401,F403
