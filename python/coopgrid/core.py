"""run, evaluate and sample: the CLI's commands as functions.

reduce and its Report live in :mod:`coopgrid.report`.
Every function takes ``input``: a path (a batch directory, a grid ``*.toml``,
a problem ``*.toml`` or SALib ``*.txt`` with ``design=``), an in-memory batch
(see :func:`evaluate`), or a :func:`source` already loaded.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native
from .salib import Problem, ProblemInput, is_salib_dict, problem_input

#: The metric columns, in MODEL.md's order (kernels/metrics.hpp).
metric_names: Tuple[str, ...] = tuple(_native.metric_names)
#: One line on each metric, as `coopgrid run --help` prints them.
metric_descriptions: Dict[str, str] = dict(zip(_native.metric_names, _native.metric_descriptions))

Source = _native.Source
Input = Union[str, "os.PathLike[str]", Mapping[str, Any], Problem, "Source"]
#: --fixed: a TOML path for a SALib text file; field values for a dict or Problem.
Fixed = Union[None, str, "os.PathLike[str]", Mapping[str, float]]

# The batch columns (README.md, "Binary batches"): name -> dtype, from the engine's one table.
_BATCH_COLUMNS = {name: np.dtype(dtype) for name, dtype, _ in _native.batch_columns}
# CSR blocks: block -> (offsets, item columns), e.g. "country": ("country_offsets", ("datasets", ...)).
_BLOCKS = {
    offsets[: -len("_offsets")]: (offsets, tuple(n for n, _, f in _native.batch_columns if f == file and n != offsets))
    for offsets, _, file in _native.batch_columns if offsets.endswith("_offsets")
}
# A CSV batch's files (README.md, "Batch directories"), for long-format DataFrames: the table's, in its order.
_TABLES = tuple(dict.fromkeys(file for _, _, file in _native.batch_columns))


# The CLI's flags in the engine's messages, as the Python arguments that set them: a message from
# reduce(top=5) says "top needs by METRIC", not "--top needs --by METRIC". Flags with no Python
# argument (--reduce, --checkpoint, ...) stay as they are.
_FLAG_ARGUMENTS = {
    "--design": "design", "--n": "n", "--seed": "seed", "--scramble": "scramble", "--second-order": "second_order",
    "--base": "base", "--levels": "levels", "--fixed": "fixed", "--backend": "backend", "--precision": "precision",
    "--metrics": "metrics", "--threads": "threads", "--max-rows": "max_rows", "--where": "where", "--top": "top",
    "--by": "by", "--ascending": "ascending", "--histogram": "histogram", "--marginal": "marginals",
    "--brute-force": "brute_force", "--bootstrap": "bootstrap", "--conf": "conf", "--trajectories": "trajectories",
    "--inputs": "inputs", "--bins": "bins", "--peel-alpha": "peel_alpha", "--paste-alpha": "paste_alpha",
    "--mass-min": "mass_min", "--threshold": "threshold",
}
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def python_words(message: str) -> str:
    """An engine message with the CLI's flags named as the Python arguments (``--top`` -> ``top``)."""
    return _FLAG.sub(lambda m: _FLAG_ARGUMENTS.get(m.group(0), m.group(0)), message)


def _python_errors(fn):
    """Re-raises the engine's ValueError with Python's argument names in place of CLI flags."""
    import functools

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValueError as e:
            words = python_words(str(e))
            if words == str(e):
                raise
            raise ValueError(words) from None
    return call


def _pandas():
    import pandas as pd  # imported late: `import coopgrid` works without it
    return pd


def _design_args(design: Optional[str], n: Optional[int], seed: int, scramble: bool,
                 second_order: bool, base: Optional[str], levels: Optional[int],
                 fixed: Optional[str]) -> Dict[str, Any]:
    return {"design": design, "n": n, "seed": seed, "scramble": scramble,
            "second_order": second_order, "base": base, "levels": levels,
            "fixed": fixed or None}


def _arrays_source(scenarios: Mapping[str, Any]) -> Source:
    """An in-memory CSR batch: arrays already float64/int64 and contiguous are used in place."""
    arrays: Dict[str, np.ndarray] = {}
    unknown = set(scenarios) - set(_BATCH_COLUMNS) - {"ids"}
    if unknown:
        raise ValueError(f"in-memory batch: unknown column(s) {sorted(unknown)}; expected "
                         f"{sorted(_BATCH_COLUMNS)} and optional 'ids'")
    for name in (n for n, _, file in _native.batch_columns if file == "scenarios"):  # one value per scenario
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


@_python_errors
def source(input: Input, *, design: Optional[str] = None, n: Optional[int] = None, seed: int = 0,
           scramble: bool = False, second_order: bool = False, base: Optional[str] = None,
           levels: Optional[int] = None, fixed: Fixed = None, argument: str = "input") -> Source:
    """Loads (and checks) an input once, for several calls.

    ``input`` is a path, a dict of NumPy arrays (the binary batch's CSR
    columns, plus optional ``ids``), a dict of long-format DataFrames
    (``scenarios``, ``countries``, ``standards``, ``resources``, ``ethics``:
    the CSV batch files' columns), a problem (SALib's dict with ``names`` and
    ``bounds``, or a :class:`coopgrid.salib.Problem`), or a Source. A problem
    needs ``design`` and ``n`` (and takes ``seed``, ``scramble``,
    ``second_order``, ``base``, ``levels``, ``fixed`` as the CLI's options of
    the same names; ``fixed`` is a TOML path for a SALib text file, a mapping
    of field values for a dict or Problem). Its parameters keep the order
    given: X columns, rows and indices follow it.
    """
    if isinstance(input, Source):
        return input
    if isinstance(input, Problem) or is_salib_dict(input):
        name, text, fixed_path = problem_input(input, fixed, argument)
        return _native.load(name, _design_args(design, n, seed, scramble, second_order, base, levels, fixed_path),
                            text)
    if isinstance(input, Mapping):
        if design is not None:
            raise ValueError("design: only a problem file is sampled by a design")
        pd = _pandas()
        if input and all(isinstance(v, pd.DataFrame) for v in input.values()):
            return _frames_source(input)
        return _arrays_source(input)
    if isinstance(input, (str, os.PathLike)):
        _, _, fixed_path = problem_input(input, fixed, argument)
        return _native.load(os.fspath(input),
                            _design_args(design, n, seed, scramble, second_order, base, levels, fixed_path))
    raise TypeError(f"{argument}: expected a path, a dict of arrays or DataFrames, a SALib problem dict, a "
                    f"coopgrid.salib.Problem or a Source, not {type(input).__name__}")


class _Progress:
    """``progress=True``: tqdm's bar when tqdm is installed, else one refreshed line on stderr."""

    def __init__(self):
        self.bar = None
        try:
            import tqdm  # optional: never required
            self.tqdm = tqdm.tqdm
        except ImportError:
            self.tqdm = None

    def __call__(self, done: int, total: int, unit: str) -> None:
        if self.tqdm is not None:
            if self.bar is None:
                self.bar = self.tqdm(total=total, unit=" " + unit, unit_scale=True, dynamic_ncols=True)
            self.bar.total = total
            self.bar.update(done - self.bar.n)
        else:
            import sys
            pct = 100.0 * done / total if total else 100.0
            sys.stderr.write(f"\r[coopgrid] {pct:5.1f}%  {done:,} / {total:,} {unit}"[:79])
            sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.tqdm is None:
            import sys
            sys.stderr.write("\n")


class _progress:
    """``progress``: None or False (nothing), True (a bar), or a callable ``f(done, total, unit)``,
    called at most 10 times a second and once at the end, from the calling thread."""

    def __init__(self, progress: Any):
        if progress is None or progress is False:
            self.callback, self.display = None, None
        elif progress is True:
            self.display = _Progress()
            self.callback = self.display
        elif callable(progress):
            self.callback, self.display = progress, None
        else:
            raise TypeError(f"progress: expected None, a bool or a callable f(done, total, unit), "
                            f"not {type(progress).__name__}")

    def __enter__(self):
        return self.callback

    def __exit__(self, *exc) -> None:
        if self.display is not None:
            self.display.close()


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


def _available_memory() -> Optional[int]:
    """Bytes of memory available to a new allocation (Linux MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def _size_text(nbytes: float) -> str:
    return f"{nbytes / 1e9:.1f} GB" if nbytes >= 1e8 else f"{nbytes / 1e6:.3g} MB"


def _check_result_memory(src: Source, metrics: Optional[List[str]], precision: str,
                         max_memory_share: Optional[float]) -> None:
    """Refuses, before anything is allocated, rows whose columns exceed max_memory_share of available memory."""
    if max_memory_share is None:
        return
    available = _available_memory()
    if available is None:
        return
    n_metrics = len(metrics) if metrics is not None else len(metric_names)
    row_bytes = 8 * (1 + len(src.input_columns)) + (4 if precision == "f32" else 8) * n_metrics
    need = src.num_scenarios * row_bytes
    if need > max_memory_share * available:
        raise ValueError(
            f"{src.path}: {src.num_scenarios} rows of {row_bytes} bytes need {_size_text(need)}, more than "
            f"max_memory_share={max_memory_share:g} of the {_size_text(available)} of memory available; "
            f"use reduce() for a summary, or evaluate() on chunks of the scenarios "
            f"(or pass max_memory_share=None)")


@_python_errors
def run(input: Input, *, backend: str = "auto", precision: str = "f64",
        metrics: Union[None, str, Sequence[str]] = None, threads: int = 0,
        design: Optional[str] = None, n: Optional[int] = None, seed: int = 0,
        scramble: bool = False, second_order: bool = False, base: Optional[str] = None,
        levels: Optional[int] = None, fixed: Fixed = None,
        max_rows: int = 100_000_000, max_memory_share: Optional[float] = 0.5,
        progress: Any = None, samples: Any = None) -> "pandas.DataFrame":
    """One row per scenario, as ``coopgrid run INPUT`` writes them.

    Columns: ``scenario`` (the batch id, or the grid / sample index), the grid
    axes or design parameters (dotted field names), then the metrics
    (``metrics`` picks a subset, in the order given). ``backend`` is
    auto|reference|cpu|cuda, ``precision`` f64|f32 (an f32 run's metric
    columns are float32: the CLI's shortest-form numbers read as float32). A problem file needs
    ``design=`` and ``n=`` (mc|lhs|sobol|saltelli|morris), or ``samples=``: your own
    rows (an ndarray, one column per parameter in the problem's order, or a DataFrame
    whose columns are the parameters' names), as ``coopgrid run PROBLEM --samples X``.

    Before anything is allocated, a result whose columns would take more than
    ``max_memory_share`` (default 0.5: room is left for the DataFrame's copy)
    of the memory available (MemAvailable) raises ValueError, as do more rows
    than ``max_rows``; ``reduce()`` summarizes any size, and ``evaluate()``
    takes the scenarios in chunks. ``max_memory_share=None`` turns the check off.
    """
    src = _source_or_samples(input, samples, design=design, n=n, seed=seed, scramble=scramble,
                             second_order=second_order, base=base, levels=levels, fixed=fixed)
    metric_list = _metric_list(metrics)
    _check_result_memory(src, metric_list, precision, max_memory_share)
    with _progress(progress) as callback:
        cols = _native.rows(src, backend, precision, metric_list, threads, max_rows, callback)
    pd = _pandas()
    return pd.DataFrame(dict(cols), columns=[name for name, _ in cols])


@_python_errors
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


def sample(problem: ProblemInput, design: str, n: int, seed: int = 0, *,
           scramble: bool = False, second_order: bool = False, base: Optional[str] = None,
           levels: Optional[int] = None, fixed: Fixed = None) -> "pandas.DataFrame":
    """A design's samples, as ``coopgrid sample PROBLEM --design D --n N -o X.csv`` writes them.

    ``problem``: a path, a SALib problem dict or a :class:`coopgrid.salib.Problem`.
    One column per parameter (dotted field name), in the problem's order, indexed
    by the sample number (index name ``sample``): ``X.to_numpy()`` is SALib's X.
    The same values as the rows of :func:`run` with the same design.
    """
    src = source(problem, design=design, n=n, seed=seed, scramble=scramble, second_order=second_order,
                 base=base, levels=levels, fixed=fixed, argument="problem")
    names, x = _native.sample_values(src)
    pd = _pandas()
    return pd.DataFrame(x, columns=names, index=pd.RangeIndex(len(x), name="sample"))
