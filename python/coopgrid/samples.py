"""The user's own samples over a problem: ``coopgrid.run(problem, samples=X)``.

X is a matrix made elsewhere (SALib's samplers, a user's script): one row per
sample, one column per parameter in the problem's order, every value in its
parameter's support (checked natively, as ``coopgrid run --samples`` checks a file).
"""
from __future__ import annotations

from typing import Any, List, Optional

import numpy as np

from . import _native
from .salib import problem_input


def _parameter_names(name: str, fixed: str, text: str) -> List[str]:
    return [p["name"] for p in _native.problem_info(name, fixed, text)["parameters"]]


def _frame_matrix(frame: Any, names: List[str]) -> np.ndarray:
    """A DataFrame's columns by name (a leading ``sample`` index column, as coopgrid.sample gives, is dropped)."""
    cols = [str(c) for c in frame.columns]
    if cols and cols[0] == "sample":
        cols = cols[1:]
    missing = [n for n in names if n not in cols]
    extra = [c for c in cols if c not in names]
    if missing or extra:
        raise ValueError(f"samples: the DataFrame's columns must be the problem's parameters {names}"
                         f" (missing {missing}, unknown {extra})")
    return _numeric(frame[names].to_numpy())


def _numeric(x: np.ndarray) -> np.ndarray:
    if x.dtype.kind not in "fiu":
        raise TypeError(f"samples: expected numbers, not an array of dtype {x.dtype}")
    return np.ascontiguousarray(x, dtype=np.float64)


def samples_source(problem: Any, samples: Any, fixed: Any = None) -> "_native.Source":
    """The source that evaluates ``samples``' rows over ``problem`` (a path, a SALib dict or a Problem)."""
    name, text, fixed_path = problem_input(problem, fixed)
    if isinstance(samples, np.ndarray):
        x = _numeric(samples)
    elif type(samples).__name__ == "DataFrame" and hasattr(samples, "columns"):
        x = _frame_matrix(samples, _parameter_names(name, fixed_path, text))
    else:
        raise TypeError(f"samples: expected a NumPy array or a pandas DataFrame, not {type(samples).__name__}")
    if x.ndim != 2:
        raise ValueError(f"samples: expected a 2-D array (rows, parameters), not {x.ndim}-D")
    return _native.load_samples(name, text, fixed_path, x)
