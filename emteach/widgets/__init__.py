"""Widget experiments: controls wired to the numerics and the plotting layer.

Split by topic; every public name is re-exported here, so ``emteach.widgets.X`` works whatever file X lives in.
``_live`` holds the machinery every experiment shares (figures, captions, outputs, controls); ``histograms``
(chapters 0-1), ``likelihood`` (2), ``latent`` (3), ``em`` (4) and ``mixtures`` (5) hold the first chapters'
experiments; one module per later chapter.
"""
from emteach.widgets._live import *  # noqa: F401,F403
from emteach.widgets.histograms import *  # noqa: F401,F403
from emteach.widgets.likelihood import *  # noqa: F401,F403
from emteach.widgets.latent import *  # noqa: F401,F403
from emteach.widgets.em import *  # noqa: F401,F403
from emteach.widgets.mixtures import *  # noqa: F401,F403
from emteach.widgets.struggles import *  # noqa: F401,F403
from emteach.widgets.applications import *  # noqa: F401,F403
from emteach.widgets.measured import *  # noqa: F401,F403
from emteach.widgets.speed import *  # noqa: F401,F403
