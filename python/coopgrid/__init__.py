"""coopgrid from Python: the engine's runs as pandas objects.

The compiled layer (``coopgrid._native``) calls the same host functions as the
``coopgrid`` command line, so every number equals the CLI's output on the same
input. Long calls release the GIL and stop on Ctrl-C (KeyboardInterrupt).

>>> import coopgrid
>>> rows = coopgrid.run("data/grid_small.toml")                      # a DataFrame, one row per scenario
>>> report = coopgrid.reduce("data/grid_main.toml", top=5, by="shared_expected")
>>> x = coopgrid.sample("data/problem_sharing.toml", "sobol", 1024)
>>> si = coopgrid.sobol("data/problem_sharing.toml", 4096, metrics="shared_expected")
>>> si["shared_expected"].to_df()                                      # SALib's [ST, S1] frames

Errors: bad input or options raise ValueError with the CLI's message (file,
line or key, value and rule); runtime failures (I/O, no CUDA device for
``backend="cuda"``) raise RuntimeError.
"""
import pkgutil as _pkgutil

# The compiled module is built into <build>/python/coopgrid/, beside this
# source package: both directories make up the package.
__path__ = _pkgutil.extend_path(__path__, __name__)

try:
    from . import _native
except ImportError as _e:  # pragma: no cover - a build without the module
    raise ImportError(
        "coopgrid: the compiled module coopgrid._native was not found; build it with "
        "./scripts/build.sh (needs pybind11-dev and python3-dev)") from _e

from .core import evaluate, metric_names, run, sample, source
from .report import Report, reduce
from .sensitivity import Analysis, ResultDict, morris, sobol
from .prim import PrimBox, prim
from . import ema, plot, salib

__version__ = _native.version
__all__ = ["run", "evaluate", "reduce", "sample", "source", "sobol", "morris", "prim", "Report", "Analysis",
           "ResultDict", "PrimBox",
           "metric_names",
           "salib", "plot", "ema", "__version__"]
