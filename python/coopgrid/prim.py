"""Scenario discovery: where in the input space the outcomes of interest happen (PRIM).

``coopgrid.prim`` finds one box by EMA Workbench's PRIM (peeling, then
pasting; the lenient1 objective; every input real-valued) and returns a
:class:`PrimBox` shaped like EMA's: ``peeling_trajectory``, ``box_lims``,
``qp``, ``inspect()``, ``select(i)``, ``show_tradeoff()``,
``show_pairs_scatter()`` (boxes found on rows). The search runs in
the compiled layer (host/prim/prim.cpp); its numbers are EMA's own on the
same rows (python/tests/test_prim.py runs ema_workbench's ``prim.Prim``).

>>> box = coopgrid.prim("data/problem_sharing.toml", "shared_expected >= 3000", design="lhs", n=10_000)
>>> box.inspect()                      # the last box: limits and quasi-p-values of its restricted inputs
>>> box.select(5); box.show_tradeoff()  # coverage against density along the trajectory
"""
from typing import Any, Optional, Sequence, Union

import numpy as np

from . import _native
from .core import _python_errors, run, source

_TRAJECTORY_COLUMNS = ["coverage", "density", "id", "k", "mass", "mean", "n", "res_dim"]  # EMA's, sorted


class PrimBox:
    """One PRIM box and its peeling and pasting trajectory (EMA's ``PrimBox``).

    ``peeling_trajectory``: a DataFrame, one row per step (``coverage``,
    ``density``, ``id``, ``k`` cases of interest, ``mass``, ``mean``, ``n``
    rows, ``res_dim`` restricted inputs); ``box_lims``: per step a DataFrame of
    two rows (lower, upper) by input; ``qp``: per step, per restricted input,
    ``[qp_lower, qp_upper]`` (-1 where that limit is not set). ``box_lim`` is
    the selected step's limits (the last step until :meth:`select`).
    ``method``: how it was found ("grid": counted block by block; "rows": EMA's
    search over rows in memory; "streamed": through histograms, with ``bins``
    bins an input at most and ``passes`` passes over the rows).
    """

    def __init__(self, native: dict, inputs: Sequence[str], options: dict, rows=None):
        import pandas as pd
        self.inputs = list(inputs)
        self._rows = rows  # (inputs DataFrame, cases of interest) when the box was found on rows
        self.options = dict(options)
        self.threshold_met = bool(native["threshold_met"])
        self.peel_steps = int(native["peel_steps"])
        self.total_rows = int(native["total_rows"])
        self.total_cases = int(native["total_cases"])
        self.method = native.get("method", "grid")
        self.bins, self.passes = native.get("bins"), native.get("passes")
        steps = native["trajectory"]
        rows = [{"coverage": s["coverage"], "density": s["density"], "id": i, "k": s["k"], "mass": s["mass"],
                 "mean": s["density"], "n": s["n"], "res_dim": s["res_dim"]} for i, s in enumerate(steps)]
        self.peeling_trajectory = pd.DataFrame(rows, columns=_TRAJECTORY_COLUMNS)
        self.box_init = pd.DataFrame([native["initial_lower"], native["initial_upper"]], columns=self.inputs)
        self.box_lims = [pd.DataFrame([s["lower"], s["upper"]], columns=self.inputs) for s in steps]
        self.qp = []
        for s in steps:
            restricted = [j for j, u in enumerate(self.inputs)
                          if s["lower"][j] != native["initial_lower"][j] or s["upper"][j] != native["initial_upper"][j]]
            self.qp.append({self.inputs[j]: [s["qp_lower"][j], s["qp_upper"][j]] for j in restricted})
        self._cur_box = len(steps) - 1

    # ---- EMA's accessors ----
    @property
    def box_lim(self):
        return self.box_lims[self._cur_box]

    def _stat(self, name):
        return self.peeling_trajectory[name].iloc[self._cur_box]

    coverage = property(lambda self: float(self._stat("coverage")))
    density = property(lambda self: float(self._stat("density")))
    mean = property(lambda self: float(self._stat("mean")))
    mass = property(lambda self: float(self._stat("mass")))
    res_dim = property(lambda self: int(self._stat("res_dim")))

    def select(self, i: int) -> "PrimBox":
        """Makes step ``i`` of the trajectory the selected box (EMA's ``select``)."""
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise TypeError(f"select: i must be an integer step (got {type(i).__name__})")
        if not 0 <= i < len(self.box_lims):
            raise ValueError(f"select: i must be in [0, {len(self.box_lims) - 1}] (got {i})")
        self._cur_box = int(i)
        return self

    def inspect(self, i: Optional[int] = None):
        """The limits of step ``i`` (default: the selected box) for its restricted
        inputs, with their quasi-p-values: a DataFrame indexed by input, columns
        ``min``, ``max``, ``qp_lower``, ``qp_upper`` (EMA's table style)."""
        import pandas as pd
        i = self._cur_box if i is None else i
        lims, qp = self.box_lims[i], self.qp[i]
        table = pd.DataFrame({"min": [lims[u][0] for u in qp], "max": [lims[u][1] for u in qp],
                              "qp_lower": [qp[u][0] for u in qp], "qp_upper": [qp[u][1] for u in qp]},
                             index=pd.Index(list(qp), name="input"))
        table.attrs["coverage"], table.attrs["density"] = self.peeling_trajectory.loc[i, ["coverage", "density"]]
        return table

    def show_tradeoff(self, ax=None):
        """Coverage against density along the trajectory, coloured by the number
        of restricted inputs; the selected box ringed. Returns the Axes."""
        from . import plot
        return plot.prim_tradeoff(self, ax=ax)

    def show_pairs_scatter(self, i: Optional[int] = None, dims: Optional[Sequence[str]] = None, *,
                           max_points: int = 10_000):
        """The rows in a scatter matrix of step ``i``'s restricted inputs (or
        ``dims``), cases of interest coloured, the box drawn in every panel and
        its limits on the diagonal's histograms (EMA's ``show_pairs_scatter``).
        For boxes found on rows (a DataFrame, a design, samples, ``brute_force``);
        at most ``max_points`` rows are drawn (a fixed random subset). Returns the Figure."""
        from . import plot
        return plot.prim_pairs(self, i, dims=dims, max_points=max_points)

    def _repr_html_(self):
        head = (f"<p>PRIM box {self._cur_box} of {len(self.box_lims) - 1}: coverage {self.coverage:.3f}, "
                f"density {self.density:.3f}, mass {self.mass:.3f}, {self.res_dim} restricted inputs"
                f"{'' if self.threshold_met else ' (density below the threshold)'}</p>")
        return head + self.inspect()._repr_html_()

    def __repr__(self):
        return (f"PrimBox(step {self._cur_box} of {len(self.box_lims) - 1}, coverage={self.coverage:.4g}, "
                f"density={self.density:.4g}, mass={self.mass:.4g}, res_dim={self.res_dim})")


def _check_alpha(name, value, lo, hi, closed=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"prim: {name} must be a number (got {type(value).__name__})")
    ok = lo <= value <= hi if closed else lo < value < hi
    if not ok:
        raise ValueError(f"prim: {name} must be in {'[' if closed else '('}{lo}, {hi}{']' if closed else ')'} "
                         f"(got {value})")


@_python_errors
def prim(x: Any, y: Union[str, Sequence[str], Any], *, inputs: Optional[Sequence[str]] = None,
         threshold: float = 0.8, peel_alpha: float = 0.05, paste_alpha: float = 0.05, mass_min: float = 0.05,
         brute_force: bool = False, bins: Optional[int] = None, **run_options) -> PrimBox:
    """Finds one PRIM box.

    Either ``x`` is a DataFrame of inputs and ``y`` a boolean array (a case of
    interest per row), as EMA's ``Prim(x, y, threshold)``; or ``x`` is what
    :func:`coopgrid.run` takes (a grid, a problem with ``design=``/``n=`` or
    ``samples=``) and ``y`` one or more ``--where`` conditions ("METRIC >= X"),
    ANDed, applied as ``run --reduce --where`` applies them. A grid file is
    searched block by block without its rows (exact: the trajectory its rows
    give, at any size); ``brute_force=True`` evaluates the rows instead.
    Designs, samples and batches are evaluated into rows in memory; a batch's
    inputs are each scenario's list sizes and exchange scalars, named as the
    grid fields they are (``countries.count``, ``standards.count``,
    ``exchange.activities``, ``exchange.countries_per_activity``,
    ``resources.count``, ``ethics.count``). ``inputs`` restricts the search to
    those columns (default: every grid axis, design parameter or batch input, in
    their order).
    ``threshold``, ``peel_alpha``, ``paste_alpha``, ``mass_min``: EMA's
    parameters and defaults. ``run_options`` go to :func:`coopgrid.run`.

    ``bins=B`` streams the search (``coopgrid prim --streamed --bins B``): one
    pass over the rows a step through per-input histograms of at most B bins,
    every cut between two bins, every statistic exact for the box found. A
    problem's design or a batch is then never held as rows (a design of 10^8
    and more: one bit a row, plus each row's bins where they fit in a quarter
    of the memory); rows you pass (a DataFrame) are searched in place. Where an
    input has at most B values the bins are its values and the search is EMA's.
    """
    import pandas as pd
    for name, value, lo, hi, closed in (("threshold", threshold, 0, 1, True), ("peel_alpha", peel_alpha, 0, 0.5, False),
                                        ("paste_alpha", paste_alpha, 0, 0.5, False),
                                        ("mass_min", mass_min, 0, 1, True)):
        _check_alpha(name, value, lo, hi, closed)
    if isinstance(x, pd.DataFrame) and not isinstance(y, str) and not _is_text_list(y):
        if run_options:
            raise TypeError(f"prim: {sorted(run_options)} apply only when x is an input to run, not a DataFrame")
        frame, interest = x, np.asarray(y)
        if interest.ndim != 1 or len(interest) != len(frame):
            raise ValueError(f"prim: y must be one value per row of x ({len(frame)}), got shape {interest.shape}")
        columns = list(frame.columns) if inputs is None else list(inputs)
    elif bins is not None and not isinstance(x, pd.DataFrame):
        return _streamed_prim(x, y, inputs, bins, dict(threshold=threshold, peel_alpha=peel_alpha,
                                                        paste_alpha=paste_alpha, mass_min=mass_min), run_options)
    elif _is_toml_path(x) and not brute_force and not (set(run_options) - {"precision"}):
        # A grid: counted block by block, without its rows (host/prim/grid_prim.hpp).
        where = [y] if isinstance(y, str) else list(y)
        try:
            native = _native.prim_grid(str(x), where, None if inputs is None else list(inputs),
                                       run_options.get("precision", "f64"), peel_alpha, paste_alpha, mass_min,
                                       threshold)
        except ValueError as e:
            if "is not a grid" not in str(e):
                raise
            raise ValueError(f"prim: {x} is a problem: pass design= and n= (or samples=) to sample it") from None
        return PrimBox(native, native["inputs"], dict(threshold=threshold, peel_alpha=peel_alpha,
                                                      paste_alpha=paste_alpha, mass_min=mass_min))
    else:
        where = [y] if isinstance(y, str) else list(y)
        if not isinstance(x, _native.Source) and not _is_toml_path(x) and not {"design", "n", "samples"} & set(run_options):
            x = source(x)  # loaded once: a batch's inputs below come from the same rows
        frame = run(x, **run_options)
        batch_inputs = _native.batch_prim_inputs(x) if isinstance(x, _native.Source) else None
        if batch_inputs:  # a batch: each scenario's list sizes and exchange scalars, named as grid fields
            frame = frame.assign(**batch_inputs)
        metric_set = set(_native.metric_names)
        own = list(batch_inputs) if batch_inputs else \
            [c for c in frame.columns if c != "scenario" and c not in metric_set]
        columns = own if inputs is None else list(inputs)
        metrics = {c: frame[c].to_numpy(np.float64) for c in frame.columns if c in metric_set}
        interest = _native.where_mask(where, metrics)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"prim: inputs {missing} are not columns of the rows ({list(frame.columns)})")
    if not columns:
        raise ValueError("prim: inputs is empty")
    arrays = [np.ascontiguousarray(frame[c].to_numpy(np.float64)) for c in columns]
    native = _native.prim(arrays, np.ascontiguousarray(interest.astype(np.uint8)), peel_alpha, paste_alpha,
                          mass_min, threshold, bins)
    return PrimBox(native, columns, dict(threshold=threshold, peel_alpha=peel_alpha, paste_alpha=paste_alpha,
                                         mass_min=mass_min), rows=(frame[columns], interest.astype(bool)))


def _streamed_prim(x: Any, y: Any, inputs: Optional[Sequence[str]], bins: Any, options: dict,
                   run_options: dict) -> PrimBox:
    """A source's rows streamed by the engine (host/engine/prim_rows.hpp), never held as a DataFrame."""
    from .core import _source_or_samples
    where = [y] if isinstance(y, str) else list(y)
    opts = dict(run_options)
    backend, precision = opts.pop("backend", "auto"), opts.pop("precision", "f64")
    threads, samples = opts.pop("threads", 0), opts.pop("samples", None)
    src = x if isinstance(x, _native.Source) else _source_or_samples(x, samples, **opts)
    native = _native.prim_rows(src, where, None if inputs is None else list(inputs), backend, precision, threads,
                               bins, options["peel_alpha"], options["paste_alpha"], options["mass_min"],
                               options["threshold"])
    return PrimBox(native, native["inputs"], options)


def _is_toml_path(x) -> bool:
    import os
    return isinstance(x, (str, os.PathLike)) and str(x).endswith(".toml")


def _is_text_list(y) -> bool:
    return isinstance(y, (list, tuple)) and len(y) > 0 and all(isinstance(v, str) for v in y)
