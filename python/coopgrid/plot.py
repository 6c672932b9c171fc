"""Plots of runs and reports (matplotlib); each function returns its Axes.

``heatmap`` and ``line`` group the rows of :func:`coopgrid.run` with pandas
(any input, or a DataFrame of rows already computed); once the engine's
marginal reductions land (issue #16) they will also take a report's
marginals, without rows. ``histogram`` draws a report's histogram.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .core import Report, run


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    return plt.figure().add_subplot()


def _rows(input_or_rows: Any, columns, run_kwargs):
    import pandas as pd
    if isinstance(input_or_rows, Report):
        raise NotImplementedError(
            "plots from a report's marginals need reduce(marginals=...) (issue #16 item 2); pass the input "
            "(or run() rows) to plot from rows grouped with pandas")
    rows = input_or_rows if isinstance(input_or_rows, pd.DataFrame) else run(input_or_rows, **run_kwargs)
    missing = [c for c in columns if c not in rows.columns]
    if missing:
        raise ValueError(f"no column(s) {missing}; the rows have {list(rows.columns)}")
    return rows


def heatmap(input_or_report: Any, metric: str, x: str, y: str, stat: str = "mean", *,
            ax: Optional[Any] = None, cmap: str = "viridis", **run_kwargs: Any):
    """``stat`` (mean, min, max, median, count, ... as pandas names them) of ``metric`` over axes ``x`` and ``y``.

    ``input_or_report``: an input (run with ``run_kwargs``) or run() rows. The
    cells are the distinct values of x and y (grid axes, or binned design
    parameters you add as columns). Returns the Axes (its image is
    ``ax.collections[0]``, a QuadMesh whose array is the table).
    """
    rows = _rows(input_or_report, [metric, x, y], run_kwargs)
    table = rows.pivot_table(values=metric, index=y, columns=x, aggfunc=stat)
    ax = _axes(ax)
    xs, ys = np.asarray(table.columns, dtype=float), np.asarray(table.index, dtype=float)
    mesh = ax.pcolormesh(np.arange(len(xs) + 1), np.arange(len(ys) + 1), table.to_numpy(), cmap=cmap)
    ax.set_xticks(np.arange(len(xs)) + 0.5, [f"{v:g}" for v in xs], rotation=90 if len(xs) > 8 else 0)
    ax.set_yticks(np.arange(len(ys)) + 0.5, [f"{v:g}" for v in ys])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(f"{stat} of {metric}")
    ax.figure.colorbar(mesh, ax=ax, label=metric)
    return ax


def line(input_or_report: Any, metric: str, x: str, stat: str = "mean", *,
         ax: Optional[Any] = None, **run_kwargs: Any):
    """``stat`` of ``metric`` at each value of axis ``x`` (one line, markers at the points); returns the Axes."""
    rows = _rows(input_or_report, [metric, x], run_kwargs)
    series = rows.groupby(x)[metric].agg(stat)
    ax = _axes(ax)
    ax.plot(series.index.to_numpy(dtype=float), series.to_numpy(dtype=float), marker="o", label=f"{stat} {metric}")
    ax.set_xlabel(x)
    ax.set_ylabel(metric)
    ax.set_title(f"{stat} of {metric} over {x}")
    return ax


def histogram(report: Report, *, ax: Optional[Any] = None, **bar_kwargs: Any):
    """The histogram of a report (``reduce(..., histogram="METRIC:BINS")``), one bar per bin; returns the Axes."""
    if not isinstance(report, Report):
        raise TypeError("histogram: expected a coopgrid.Report from reduce(..., histogram=...)")
    bins = report.histogram_frame()
    h = report.json["histogram"]
    ax = _axes(ax)
    ax.bar(bins["lo"], bins["count"], width=bins["hi"] - bins["lo"], align="edge", **bar_kwargs)
    ax.set_xlabel(h["metric"])
    ax.set_ylabel("scenarios")
    ax.set_title(f"{h['metric']}: {report.json.get('selected', sum(h['counts']))} scenarios"
                 f" ({h['below']} below, {h['above']} above)")
    return ax
