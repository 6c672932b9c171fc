"""reduce and Report: ``coopgrid run INPUT --reduce`` as a function and its report.

:func:`reduce` takes ``input`` as the functions of :mod:`coopgrid.core` do
(a path, an in-memory batch or a :func:`coopgrid.source`); the
:class:`Report` it returns is the CLI's JSON with attribute access and
DataFrame views.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

import numpy as np

from . import _native
from .core import (Fixed, Input, _metric_list, _pandas, _progress, _python_errors,
                   _source_or_samples)

@dataclass(frozen=True)
class _Node:
    """Attribute access over a JSON object (``report.metrics.shared_expected.mean``)."""
    _data: Any

    def __getattr__(self, name: str) -> Any:
        data = object.__getattribute__(self, "_data")
        if isinstance(data, dict) and name in data:
            return _wrap(data[name])
        raise AttributeError(name)

    def __getitem__(self, key: Any) -> Any:
        return _wrap(object.__getattribute__(self, "_data")[key])

    def __contains__(self, key: Any) -> bool:
        return key in object.__getattribute__(self, "_data")

    def __iter__(self):
        return iter(object.__getattribute__(self, "_data"))

    def __len__(self) -> int:
        return len(object.__getattribute__(self, "_data"))

    def __dir__(self):
        data = object.__getattribute__(self, "_data")
        return list(data) if isinstance(data, dict) else []

    def keys(self):
        return object.__getattribute__(self, "_data").keys()

    def to_dict(self) -> Any:
        return object.__getattribute__(self, "_data")

    def __repr__(self) -> str:
        return f"{json.dumps(object.__getattribute__(self, '_data'))[:200]}"


def _finite_or_noted(v: Dict[str, Any]) -> Dict[str, Any]:
    """A summary with the values strict JSON wrote as null restored from its "not_finite" note (README)."""
    note = v.get("not_finite") or {}
    return {**v, **{k: float(t) for k, t in note.items()}}


def _wrap(v: Any) -> Any:
    return _Node(v) if isinstance(v, (dict, list)) else v


class Report:
    """A ``--reduce`` report: the CLI's JSON, with attribute access.

    ``report.metrics.shared_expected.mean``, ``report.top.rows``,
    ``report.histogram``; ``report.json`` is the dict ``json.load`` gives for
    the CLI's report, ``str(report)`` the table the CLI prints on a terminal,
    :meth:`to_frame` the per-metric summary as a DataFrame.
    """

    def __init__(self, json_text: str, table: str = ""):
        self.json: Dict[str, Any] = json.loads(json_text)
        self.text = json_text
        self._table = table

    def __getattr__(self, name: str) -> Any:
        data = self.__dict__.get("json", {})
        if name in data:
            return _wrap(data[name])
        raise AttributeError(name)

    def __getitem__(self, key: str) -> Any:
        return _wrap(self.json[key])

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.json))

    def __str__(self) -> str:
        return self._table or self.text

    def __repr__(self) -> str:
        return f"<coopgrid.Report {self.json.get('input', '')!r}: {len(self.json.get('metrics', {}))} metrics>"

    def _repr_html_(self) -> str:
        """The terminal table's content as HTML (Jupyter): the header, the per-metric summary, the top rows."""
        import html
        j = self.json
        head = f"<p><b>{html.escape(str(j.get('input', '')))}</b>: {j.get('scenarios', 0):,} scenarios"
        if "selected" in j:
            head += f", {j['selected']:,} selected"
        parts = [head + "</p>", self.to_frame().to_html(float_format="{:.6g}".format, na_rep="")]
        if "top" in j and j["top"].get("rows"):
            parts.append("<h4>top</h4>" + self.top_frame().to_html(float_format="{:.6g}".format))
        return "".join(parts)

    def to_frame(self) -> "pandas.DataFrame":
        """The per-metric summary: one row per metric (count, min, max, where min and max are, and each statistic the report has: mean, ...)."""
        pd = _pandas()
        rows = {}
        for name, m in self.json["metrics"].items():
            row = {k: v for k, v in _finite_or_noted(m).items() if not isinstance(v, (dict, list))}
            for which in ("argmin", "argmax"):
                where = m.get(which)
                if isinstance(where, dict) and "index" in where:
                    row[which] = where["index"]
            rows[name] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    def top_frame(self) -> "pandas.DataFrame":
        """The top-K rows (``top=``, ``by=``): inputs and every metric, best first."""
        pd = _pandas()
        if "top" not in self.json:
            raise ValueError("this report has no top rows: reduce(..., top=K, by=METRIC)")
        rows = self.json["top"]["rows"]
        return pd.json_normalize(rows) if rows else pd.DataFrame(columns=["index", "value"])

    def marginal_frame(self, which: Union[int, str] = 0) -> "pandas.DataFrame":
        """Marginal ``which`` (its index, or its axes "a" / "a,b") in long format: one row per cell
        and metric, with the axis values (bin midpoints for bins), count, min, max and the statistics (mean, ...); as the
        CLI's ``--marginal-csv`` writes them."""
        pd = _pandas()
        ms = self.json.get("marginals") or []
        if not ms:
            raise ValueError("this report has no marginals: reduce(..., marginals=['AXIS'])")
        if isinstance(which, str):
            names = [",".join(a["name"] for a in m["axes"]) for m in ms]
            if which not in names:
                raise ValueError(f"no marginal {which!r}; the report has {names}")
            which = names.index(which)
        m = ms[which]
        axes = m["axes"]

        def label(axis, i):
            if "values" in axis:
                return axis["values"][i]
            e = axis["edges"]
            return (e[i] + e[i + 1]) / 2

        rows = []
        for cell in m["cells"]:
            at = cell["at"]
            base = {a["name"]: label(a, i) for a, i in zip(axes, at)}
            for metric, v in (cell.get("metrics") or {}).items():
                v = _finite_or_noted(v or {})  # min, max and every statistic the build reports
                stats = {k: x for k, x in v.items() if not isinstance(x, (dict, list))}
                rows.append({**base, "metric": metric, "count": cell["count"], **stats})
        return pd.DataFrame(rows)

    def histogram_frame(self) -> "pandas.DataFrame":
        """The histogram (``histogram=``): one row per bin with its edges and count."""
        pd = _pandas()
        h = self.json.get("histogram")
        if h is None:
            raise ValueError("this report has no histogram: reduce(..., histogram='METRIC:BINS')")
        counts = h["counts"]
        lo, hi = h["lo"], h["hi"]
        edges = np.linspace(lo, hi, len(counts) + 1)
        return pd.DataFrame({"lo": edges[:-1], "hi": edges[1:], "count": counts})


def _where_texts(where: Union[str, Iterable[Any]]) -> List[str]:
    if isinstance(where, str):
        return [where]
    out = []
    for w in where:
        if isinstance(w, str):
            out.append(w)
        else:  # ("shared_expected", ">=", 10)
            metric, op, value = w
            out.append(f"{metric}{op}{value!r}")
    return out


def _histogram_text(histogram: Union[None, str, Sequence[Any]]) -> Optional[str]:
    if histogram is None or isinstance(histogram, str):
        return histogram
    return ":".join(repr(v) if isinstance(v, float) else str(v) for v in histogram)


def _marginal_texts(marginals: Union[str, Sequence[Any]]) -> List[str]:
    """--marginal texts: "AXIS", "AXIS,AXIS", "NAME:BINS", or tuples of those parts."""
    if isinstance(marginals, str):
        return [marginals]
    out = []
    for m in marginals:
        out.append(m if isinstance(m, str) else ",".join(str(a) for a in m))
    return out


@_python_errors
def reduce(input: Input, *, where: Union[str, Iterable[Any]] = (), top: Optional[int] = None,
           by: Optional[str] = None, ascending: bool = False,
           histogram: Union[None, str, Sequence[Any]] = None, marginals: Sequence[Any] = (),
           backend: str = "auto", precision: str = "f64",
           metrics: Union[None, str, Sequence[str]] = None, threads: int = 0, brute_force: bool = False,
           design: Optional[str] = None, n: Optional[int] = None, seed: int = 0,
           scramble: bool = False, second_order: bool = False, base: Optional[str] = None,
           levels: Optional[int] = None, fixed: Fixed = None, progress: Any = None,
           samples: Any = None) -> Report:
    """The summary of ``coopgrid run INPUT --reduce`` as a :class:`Report`.

    ``where``: filters "METRIC>=X" / "METRIC<=X" (or tuples (metric, op,
    value)), ANDed; ``top`` K scenarios ``by`` a metric (largest first unless
    ``ascending``); ``histogram`` "METRIC:BINS[:LO:HI]" or (metric, bins[, lo,
    hi]); ``marginals``: "AXIS" or "AXIS,AXIS" per marginal (grid axes or
    design parameters; "NAME:BINS" bins a batch's or design's input), read
    with :meth:`Report.marginal_frame`. Nothing is stored per scenario; the
    cpu and cuda backends reduce grids factorized (``brute_force=True``:
    scenario by scenario). ``samples``: your own rows over a problem, as for :func:`run`.
    """
    src = _source_or_samples(input, samples, design=design, n=n, seed=seed, scramble=scramble,
                             second_order=second_order, base=base, levels=levels, fixed=fixed)
    with _progress(progress) as callback:
        json_text, table = _native.reduce(src, backend, precision, _metric_list(metrics), threads,
                                          _where_texts(where), top, by, ascending,
                                          _histogram_text(histogram), brute_force, _marginal_texts(marginals),
                                          callback)
    return Report(json_text, table)

