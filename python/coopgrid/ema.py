"""EMA Workbench's results layout: ``(experiments, outcomes)``.

``experiments`` is a DataFrame of the inputs (grid axes or design parameters,
dotted field names; a batch's ``scenario`` ids) plus EMA's ``scenario``,
``policy`` and ``model`` columns; ``outcomes`` maps each metric to a NumPy
array, one value per experiment. :func:`save_results` writes EMA Workbench's
``save_results`` tar.gz (``experiments.csv``, ``experiments metadata.csv``,
``outcomes metadata.csv`` and one ``<outcome>.csv`` per metric), which
``ema_workbench.load_results`` reads.
"""
from __future__ import annotations

import io
import os
import re
import tarfile
from typing import Any, Dict, Iterable, Tuple, Union

import numpy as np

from ._output import output_file

from .core import metric_names, run

Results = Tuple["pandas.DataFrame", Dict[str, np.ndarray]]

_WHERE = re.compile(r"\s*(\w+)\s*(>=|<=)\s*(\S+)\s*")


def _select(rows, where: Union[str, Iterable[Any]]):
    """The rows passing every filter "METRIC>=X" / "METRIC<=X" (or (metric, op, value)); NaN never passes."""
    if isinstance(where, str):
        where = [where]
    keep = np.ones(len(rows), dtype=bool)
    for w in where:
        if isinstance(w, str):
            m = _WHERE.fullmatch(w)
            if not m:
                raise ValueError(f"where '{w}': expected METRIC>=X or METRIC<=X")
            metric, op, text = m.groups()
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"where '{w}': '{text}' is not a number") from None
        else:
            metric, op, value = w
        if metric not in metric_names:
            raise ValueError(f"where: '{metric}' is not a metric; expected one of {', '.join(metric_names)}")
        if metric not in rows.columns:
            raise ValueError(f"where: '{metric}' is not among the metrics computed")
        v = rows[metric].to_numpy()
        keep &= (v >= value) if op == ">=" else (v <= value)
    return rows[keep].reset_index(drop=True)


def results(input: Any, *, backend: str = "auto", precision: str = "f64", metrics: Any = None,
            threads: int = 0, where: Union[str, Iterable[Any]] = (), **design: Any) -> Results:
    """``(experiments, outcomes)`` of ``coopgrid.run(input, ...)``, for EMA Workbench's analysis tools.

    ``where`` keeps the scenarios passing every filter (as ``reduce``'s);
    ``design``: ``design=``, ``n=``, ``seed=``... for problem files.
    """
    rows = run(input, backend=backend, precision=precision, metrics=metrics, threads=threads, **design)
    rows = _select(rows, where)
    outcome_names = [c for c in rows.columns if c in metric_names]
    experiments = rows.drop(columns=outcome_names)
    ids = experiments.pop("scenario")
    inputs = experiments.columns
    experiments = experiments.copy()
    experiments["scenario"] = ids.to_numpy()
    experiments["policy"] = "None"
    experiments["model"] = "coopgrid"
    experiments = experiments[list(inputs) + ["scenario", "policy", "model"]]
    outcomes = {name: rows[name].to_numpy(dtype=np.float64) for name in outcome_names}
    return experiments, outcomes


def _add(tar: tarfile.TarFile, name: str, text: str) -> None:
    data = text.encode("utf-8")
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def save_results(results_or_input: Any, file_name: Union[str, "os.PathLike[str]"], *,
                 where: Union[str, Iterable[Any]] = (), **run_kwargs: Any) -> None:
    """Writes EMA Workbench's ``save_results`` tar.gz of ``(experiments, outcomes)``, or of an input's results.

    Given an input (not a results tuple), the results of ``results(input, where=where, **run_kwargs)``.
    The archive is written as coopgrid writes every file (a temporary name renamed when complete;
    a symbolic link's target; a device or FIFO directly).
    """
    if isinstance(results_or_input, tuple) and len(results_or_input) == 2:
        if where or run_kwargs:
            raise ValueError("save_results: where= and run options apply to an input, not to results")
        experiments, outcomes = results_or_input
    else:
        experiments, outcomes = results(results_or_input, where=where, **run_kwargs)
    with output_file(file_name, "wb") as f, tarfile.open(fileobj=f, mode="w:gz") as tar:
        _add(tar, "experiments.csv", experiments.to_csv(header=True, index=False))
        _add(tar, "experiments metadata.csv", experiments.dtypes.to_csv(header=False))
        _add(tar, "outcomes metadata.csv",
             "\n".join(f"{name},{np.asarray(v).shape}" for name, v in outcomes.items()))
        import pandas as pd
        for name, v in outcomes.items():
            _add(tar, f"{name}.csv", pd.DataFrame(np.asarray(v)).to_csv(header=False, index=False))
