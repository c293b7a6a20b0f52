"""Widget experiments: controls wired to the numerics and the plotting layer.

Split by topic; every public name is re-exported here, so ``emteach.widgets.X`` works whatever file X lives in.
``core`` holds chapters 0-5; one module per later chapter.
"""
from emteach.widgets.core import *  # noqa: F401,F403
from emteach.widgets.struggles import *  # noqa: F401,F403
from emteach.widgets.applications import *  # noqa: F401,F403
from emteach.widgets.measured import *  # noqa: F401,F403
from emteach.widgets.speed import *  # noqa: F401,F403
