"""run, evaluate, reduce and sample: the CLI's commands as functions.

Every function takes ``input``: a path (a batch directory, a grid ``*.toml``,
a problem ``*.toml`` or SALib ``*.txt`` with ``design=``), an in-memory batch
(see :func:`evaluate`), or a :func:`source` already loaded.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native

#: The metric columns, in MODEL.md's order (kernels/metrics.hpp).
metric_names: Tuple[str, ...] = tuple(_native.metric_names)
#: One line on each metric, as `coopgrid run --help` prints them.
metric_descriptions: Dict[str, str] = dict(zip(_native.metric_names, _native.metric_descriptions))

Source = _native.Source
Input = Union[str, "os.PathLike[str]", Mapping[str, Any], "Source"]

# The binary batch format's columns (README.md, "Binary batches"): name -> dtype.
_BATCH_COLUMNS = {
    "activities": np.float64, "countries_per_activity": np.int64,
    "country_offsets": np.int64, "datasets": np.float64, "country_share_prob": np.float64,
    "standard_offsets": np.int64, "standard_difficulty": np.float64,
    "resource_offsets": np.int64, "resource_share_prob": np.float64,
    "ethics_offsets": np.int64, "ethics_difficulty": np.float64,
}
_BLOCKS = {  # CSR block: (offsets, item columns)
    "country": ("country_offsets", ("datasets", "country_share_prob")),
    "standard": ("standard_offsets", ("standard_difficulty",)),
    "resource": ("resource_offsets", ("resource_share_prob",)),
    "ethics": ("ethics_offsets", ("ethics_difficulty",)),
}
# A CSV batch's files (README.md, "Batch directories"), for long-format DataFrames.
_TABLES = ("scenarios", "countries", "standards", "resources", "ethics")


def _pandas():
    import pandas as pd  # imported late: `import coopgrid` works without it
    return pd


def _design_args(design: Optional[str], n: Optional[int], seed: int, scramble: bool,
                 second_order: bool, base: Optional[str], levels: Optional[int],
                 fixed: Optional[str]) -> Dict[str, Any]:
    return {"design": design, "n": n, "seed": seed, "scramble": scramble,
            "second_order": second_order, "base": base, "levels": levels,
            "fixed": None if fixed is None else os.fspath(fixed)}


def _arrays_source(scenarios: Mapping[str, Any]) -> Source:
    """An in-memory CSR batch: arrays already float64/int64 and contiguous are used in place."""
    arrays: Dict[str, np.ndarray] = {}
    unknown = set(scenarios) - set(_BATCH_COLUMNS) - {"ids"}
    if unknown:
        raise ValueError(f"in-memory batch: unknown column(s) {sorted(unknown)}; expected "
                         f"{sorted(_BATCH_COLUMNS)} and optional 'ids'")
    for name in ("activities", "countries_per_activity"):
        if name not in scenarios:
            raise ValueError(f"in-memory batch: column '{name}' is missing")
    n = len(scenarios["activities"])
    for block, (offsets, items) in _BLOCKS.items():
        given = [c for c in (offsets, *items) if c in scenarios]
        if given and len(given) != 1 + len(items):
            missing = sorted(set((offsets, *items)) - set(given))
            raise ValueError(f"in-memory batch: block '{block}' has {given} but not {missing}")
        if not given:  # an absent block is empty everywhere, as a missing CSV file
            arrays[offsets] = np.zeros(n + 1, dtype=np.int64)
            for c in items:
                arrays[c] = np.zeros(0, dtype=np.float64)
    for name, dtype in _BATCH_COLUMNS.items():
        if name in scenarios:
            a = np.asarray(scenarios[name])
            if a.ndim != 1:
                raise ValueError(f"in-memory batch: column '{name}' must be 1-D, not shape {a.shape}")
            if a.dtype != dtype and not np.can_cast(a.dtype, dtype, casting="same_kind"):
                raise ValueError(f"in-memory batch: column '{name}' has dtype {a.dtype}, expected {np.dtype(dtype)}")
            # No copy when it already is contiguous and of the right dtype (the fast path).
            arrays[name] = np.ascontiguousarray(a, dtype=dtype)
    if "ids" in scenarios:
        ids = [str(i) for i in scenarios["ids"]]
        if len(set(ids)) != len(ids):
            pd = _pandas()
            dup = pd.Series(ids)[pd.Series(ids).duplicated()].iloc[0]
            raise ValueError(f"in-memory batch: ids: value '{dup}' is not unique")
    else:
        ids = [str(i) for i in range(n)]
    try:
        return _native.from_arrays(arrays, ids)
    except ValueError as e:  # "<memory>/datasets.npy[3]: ..." names the column as given here
        raise ValueError(re.sub(r"<memory>/(\w+)\.npy", r"scenarios['\1']", str(e))) from None


def _frames_source(tables: Mapping[str, Any]) -> Source:
    """Long-format DataFrames (one per CSV batch file), read by the CSV batch reader itself."""
    unknown = set(tables) - set(_TABLES)
    if unknown:
        raise ValueError(f"in-memory batch: unknown table(s) {sorted(unknown)}; expected {list(_TABLES)}")
    if "scenarios" not in tables:
        raise ValueError("in-memory batch: the 'scenarios' table is required")
    tmp = tempfile.mkdtemp(prefix="coopgrid-batch-")
    try:
        for name, frame in tables.items():
            frame.to_csv(os.path.join(tmp, name + ".csv"), index=False)
        try:
            src = _native.load(tmp, {})
            src.path = "<memory>"  # reports name the input: not the temporary directory, gone on return
            return src
        except ValueError as e:  # name the table, not the temporary directory
            raise ValueError(str(e).replace(tmp + os.sep, "").replace(tmp, "<memory>")) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def source(input: Input, *, design: Optional[str] = None, n: Optional[int] = None, seed: int = 0,
           scramble: bool = False, second_order: bool = False, base: Optional[str] = None,
           levels: Optional[int] = None, fixed: Optional[str] = None) -> Source:
    """Loads (and checks) an input once, for several calls.

    ``input`` is a path, a dict of NumPy arrays (the binary batch's CSR
    columns, plus optional ``ids``), a dict of long-format DataFrames
    (``scenarios``, ``countries``, ``standards``, ``resources``, ``ethics``:
    the CSV batch files' columns), or a Source. A problem file needs
    ``design`` and ``n`` (and takes ``seed``, ``scramble``, ``second_order``,
    ``base``, ``levels``, ``fixed`` as the CLI's options of the same names).
    """
    if isinstance(input, Source):
        return input
    if isinstance(input, Mapping):
        if design is not None:
            raise ValueError("design: only a problem file is sampled by a design")
        pd = _pandas()
        if input and all(isinstance(v, pd.DataFrame) for v in input.values()):
            return _frames_source(input)
        return _arrays_source(input)
    if isinstance(input, (str, os.PathLike)):
        return _native.load(os.fspath(input),
                            _design_args(design, n, seed, scramble, second_order, base, levels, fixed))
    raise TypeError(f"input: expected a path, a dict of arrays or DataFrames, or a Source, not {type(input).__name__}")


def _source_or_samples(input: Input, samples: Any, **kw: Any) -> Source:
    """source(input, **kw), or with ``samples`` the user's rows over the problem ``input``."""
    if samples is None:
        return source(input, **kw)
    if kw.get("design") is not None:
        raise ValueError("samples: the rows are given: they do not combine with design=")
    from .samples import samples_source
    return samples_source(input, samples, kw.get("fixed"))


def _metric_list(metrics: Union[None, str, Iterable[str]]) -> Optional[List[str]]:
    if metrics is None:
        return None
    if isinstance(metrics, str):
        return [m for m in metrics.split(",")]
    return list(metrics)


def run(input: Input, *, backend: str = "auto", precision: str = "f64",
        metrics: Union[None, str, Sequence[str]] = None, threads: int = 0,
        design: Optional[str] = None, n: Optional[int] = None, seed: int = 0,
        scramble: bool = False, second_order: bool = False, base: Optional[str] = None,
        levels: Optional[int] = None, fixed: Optional[str] = None,
        max_rows: int = 100_000_000, samples: Any = None) -> "pandas.DataFrame":
    """One row per scenario, as ``coopgrid run INPUT`` writes them.

    Columns: ``scenario`` (the batch id, or the grid / sample index), the grid
    axes or design parameters (dotted field names), then the metrics
    (``metrics`` picks a subset, in the order given). ``backend`` is
    auto|reference|cpu|cuda, ``precision`` f64|f32 (an f32 run's metric
    columns are float32: the CLI's shortest-form numbers read as float32). A problem file needs
    ``design=`` and ``n=`` (mc|lhs|sobol|saltelli|morris), or ``samples=``: your own
    rows (an ndarray, one column per parameter in the problem's order, or a DataFrame
    whose columns are the parameters' names), as ``coopgrid run PROBLEM --samples X``.
    """
    src = _source_or_samples(input, samples, design=design, n=n, seed=seed, scramble=scramble,
                             second_order=second_order, base=base, levels=levels, fixed=fixed)
    cols = _native.rows(src, backend, precision, _metric_list(metrics), threads, max_rows)
    pd = _pandas()
    return pd.DataFrame(dict(cols), columns=[name for name, _ in cols])


def evaluate(scenarios: Union[Mapping[str, Any], Source], *, backend: str = "auto",
             precision: str = "f64", metrics: Union[None, str, Sequence[str]] = None,
             threads: int = 0) -> "pandas.DataFrame":
    """Rows of a batch held in memory.

    ``scenarios`` is either a dict of NumPy arrays in the binary batch's
    layout (README.md "Binary batches": ``activities``, ``countries_per_activity``
    and per block CSR offsets plus item columns; an absent block is empty;
    optional ``ids``), used in place without a copy when the arrays are
    contiguous float64/int64; or a dict of long-format DataFrames, one per
    CSV batch file (``scenarios`` with ``scenario,activities,countries_per_activity``,
    ``countries`` with ``scenario,datasets,share_prob``, ...), checked by the
    CSV batch reader. Bad values raise ValueError naming the column, the
    element and the rule.
    """
    return run(scenarios, backend=backend, precision=precision, metrics=metrics, threads=threads)


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

    def to_frame(self) -> "pandas.DataFrame":
        """The per-metric summary: one row per metric (count, min, max, mean and where min and max are)."""
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
        and metric, with the axis values (bin midpoints for bins), count, min, max and mean; as the
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
                v = _finite_or_noted(v or {})
                rows.append({**base, "metric": metric, "count": cell["count"], "min": v.get("min"),
                             "max": v.get("max"), "mean": v.get("mean")})
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


def reduce(input: Input, *, where: Union[str, Iterable[Any]] = (), top: Optional[int] = None,
           by: Optional[str] = None, ascending: bool = False,
           histogram: Union[None, str, Sequence[Any]] = None, marginals: Sequence[Any] = (),
           backend: str = "auto", precision: str = "f64",
           metrics: Union[None, str, Sequence[str]] = None, threads: int = 0, brute_force: bool = False,
           design: Optional[str] = None, n: Optional[int] = None, seed: int = 0,
           scramble: bool = False, second_order: bool = False, base: Optional[str] = None,
           levels: Optional[int] = None, fixed: Optional[str] = None, samples: Any = None) -> Report:
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
    json_text, table = _native.reduce(src, backend, precision, _metric_list(metrics), threads,
                                      _where_texts(where), 0 if top is None else int(top), by, ascending,
                                      _histogram_text(histogram), brute_force, _marginal_texts(marginals))
    return Report(json_text, table)


def sample(problem: Union[str, "os.PathLike[str]"], design: str, n: int, seed: int = 0, *,
           scramble: bool = False, second_order: bool = False, base: Optional[str] = None,
           levels: Optional[int] = None, fixed: Optional[str] = None) -> "pandas.DataFrame":
    """A design's samples, as ``coopgrid sample PROBLEM --design D --n N -o X.csv`` writes them.

    Columns: ``sample`` (the index) and one per parameter (dotted field name,
    problem order). The same values as the rows of :func:`run` with the same
    design.
    """
    src = source(problem, design=design, n=n, seed=seed, scramble=scramble, second_order=second_order,
                 base=base, levels=levels, fixed=fixed)
    names, x = _native.sample_values(src)
    pd = _pandas()
    frame = pd.DataFrame(x, columns=names)
    frame.insert(0, "sample", np.arange(len(frame), dtype=np.int64))
    return frame
