"""Sobol' indices and Morris screening (``coopgrid sobol`` / ``coopgrid morris``).

Results are keyed as SALib's: for each metric a :class:`ResultDict` holding
``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (and ``S2``, ``S2_conf`` as d x d
matrices with NaN below the diagonal, as SALib fills them) or ``mu``,
``mu_star``, ``sigma``, ``mu_star_conf``, with ``names`` and ``to_df()``
giving SALib's DataFrames. The numbers are the CLI's JSON, parsed.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np

from . import _native
from .core import Fixed, _metric_list, _pandas, _progress, _python_errors
from .salib import ProblemInput, problem_input

_SOBOL_KEYS = ("S1", "S1_conf", "ST", "ST_conf")
_MORRIS_KEYS = ("mu", "mu_star", "sigma", "mu_star_conf")


def _nan(v: Any) -> float:
    return float("nan") if v is None else float(v)


class ResultDict(dict):
    """One metric's indices, as SALib's ``ResultDict``: arrays per key, ``names``, ``to_df()``."""

    def __init__(self, kind: str, names: List[str], data: Dict[str, Any]):
        super().__init__()
        self.kind = kind
        self["names"] = list(names)
        keys = _SOBOL_KEYS if kind == "sobol" else _MORRIS_KEYS
        for k in keys:
            self[k] = np.array([_nan(data[k][n]) for n in names])
        if kind == "sobol" and "S2" in data:
            d = len(names)
            for k in ("S2", "S2_conf"):
                m = np.full((d, d), np.nan)
                for i in range(d):
                    for j in range(i + 1, d):
                        m[i, j] = _nan(data[k][f"{names[i]},{names[j]}"])
                self[k] = m
        self.reason: Optional[str] = data.get("reason")
        self.nonfinite_rows: int = int(data.get("nonfinite_rows", 0))

    def plot(self, ax: Optional[Any] = None):
        """SALib's ``ResultDict.plot()``: Sobol' S1 and ST bars, or Morris mu_star against sigma; the Axes."""
        from . import plot
        return (plot.sobol if self.kind == "sobol" else plot.morris)(self, ax=ax)

    def _repr_html_(self) -> str:
        frames = self.to_df()
        return "".join(f.to_html(float_format="{:.6f}".format) for f in (frames if isinstance(frames, list)
                                                                            else [frames]))

    def to_df(self):
        """SALib's frames: Sobol' [total (ST, ST_conf), first (S1, S1_conf)[, second (S2, S2_conf)]]; Morris one frame."""
        pd = _pandas()
        names = self["names"]
        if self.kind == "morris":
            return pd.DataFrame({k: self[k] for k in _MORRIS_KEYS}, index=names)
        frames = [pd.DataFrame({"ST": self["ST"], "ST_conf": self["ST_conf"]}, index=names),
                  pd.DataFrame({"S1": self["S1"], "S1_conf": self["S1_conf"]}, index=names)]
        if "S2" in self:
            idx, s2, s2c = [], [], []
            for i in range(len(names)):
                for j in range(i + 1, len(names)):
                    idx.append((names[i], names[j]))
                    s2.append(self["S2"][i, j])
                    s2c.append(self["S2_conf"][i, j])
            frames.append(pd.DataFrame({"S2": s2, "S2_conf": s2c}, index=pd.MultiIndex.from_tuples(idx)))
        return frames


class Analysis(dict):
    """Every analysed metric's :class:`ResultDict`, keyed by metric name; ``.json`` is the CLI's report."""

    def __init__(self, json_text: str, table: str):
        super().__init__()
        self.json: Dict[str, Any] = json.loads(json_text)
        self.text = json_text
        self._table = table
        self.kind: str = self.json["analysis"]
        self.names: List[str] = self.json["parameters"]
        for metric, data in self.json["metrics"].items():
            self[metric] = ResultDict(self.kind, self.names, data)

    @property
    def evaluations(self) -> int:
        return int(self.json["evaluations"])

    def to_df(self) -> Dict[str, Any]:
        """``{metric: SALib's frames}`` (see :meth:`ResultDict.to_df`)."""
        return {m: r.to_df() for m, r in self.items()}

    def plot(self, metric: Optional[str] = None, ax: Optional[Any] = None):
        """One metric's indices as :func:`coopgrid.plot.sobol` / :func:`coopgrid.plot.morris` draw them."""
        if metric is None:
            if len(self) != 1:
                raise ValueError(f"metric: name one of {list(self)}")
            metric = next(iter(self))
        if metric not in self:
            raise ValueError(f"metric: {metric!r} was not analysed; the analysis has {list(self)}")
        from . import plot
        return (plot.sobol if self.kind == "sobol" else plot.morris)(self, metric, ax=ax)

    def _repr_html_(self) -> str:
        """The terminal tables as HTML: one heading and SALib's frames per metric (Jupyter)."""
        import html
        head = f"<p><b>{html.escape(self.kind)}</b> of {html.escape(str(self.json.get('problem', '')))}: " \
               f"n = {self.json.get('n')}, {self.evaluations:,} evaluations</p>"
        return head + "".join(f"<h4>{html.escape(m)}</h4>" + r._repr_html_() for m, r in self.items())

    def __str__(self) -> str:
        return self._table

    def __repr__(self) -> str:
        return f"<coopgrid.Analysis {self.kind} of {self.json['problem']!r}: n = {self.json['n']}, {len(self)} metrics>"


def _design(size: str, n: int, seed: int, **kw: Any) -> Dict[str, Any]:
    # Passed as given: the compiled layer checks the integers (TypeError, or ValueError naming `size`).
    d: Dict[str, Any] = {size: n, "seed": seed}
    d.update({k: v for k, v in kw.items() if v is not None})
    return d


@_python_errors
def sobol(problem: ProblemInput, n: int, *, second_order: bool = False, base: Optional[str] = None,
          scramble: bool = False, seed: int = 0, bootstrap: int = 100, conf: float = 0.95,
          metrics: Union[None, str, Sequence[str]] = None, backend: str = "auto", precision: str = "f64",
          threads: int = 0, fixed: Fixed = None, progress: Any = None) -> Analysis:
    """``coopgrid sobol PROBLEM --n N``: S1, ST (S2 with ``second_order``) and their bootstrap half-widths.

    ``problem``: a path, a SALib problem dict or a :class:`coopgrid.salib.Problem`;
    indices come back in its parameters' order (its groups' order of first
    appearance when it has groups). A Saltelli design of ``n`` base points
    (Sobol' points, or ``base="mc"``) is evaluated and analysed in one pass.
    Returns an :class:`Analysis` (``result["shared_expected"]["ST"]``).
    """
    name, text, fixed_path = problem_input(problem, fixed)
    design = _design("n", n, seed, scramble=scramble, second_order=second_order, base=base, fixed=fixed_path or None)
    with _progress(progress) as callback:
        j, t = _native.sensitivity("sobol", name, design, bootstrap, conf, _metric_list(metrics), backend,
                                   precision, threads, text, callback)
    return Analysis(j, t)


@_python_errors
def morris(problem: ProblemInput, trajectories: int, *, levels: int = 4, seed: int = 0, bootstrap: int = 100,
           conf: float = 0.95, metrics: Union[None, str, Sequence[str]] = None, backend: str = "auto",
           precision: str = "f64", threads: int = 0, fixed: Fixed = None, progress: Any = None) -> Analysis:
    """``coopgrid morris PROBLEM --trajectories R --levels P``: mu, mu_star, sigma and mu_star_conf,
    in the problem's parameter order (``problem`` as for :func:`sobol`)."""
    name, text, fixed_path = problem_input(problem, fixed)
    design = _design("trajectories", trajectories, seed, levels=levels, fixed=fixed_path or None)
    with _progress(progress) as callback:
        j, t = _native.sensitivity("morris", name, design, bootstrap, conf, _metric_list(metrics), backend,
                                   precision, threads, text, callback)
    return Analysis(j, t)
