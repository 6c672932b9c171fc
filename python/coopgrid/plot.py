"""Plots of runs and reports (matplotlib); each function returns its Axes.

``heatmap`` and ``line`` take a report's marginals (``reduce(...,
marginals=["x,y"])``: exact, factorized on grids, no rows) or group the rows
of :func:`coopgrid.run` with pandas (any input, or a DataFrame of rows).
``histogram`` draws a report's histogram; ``sobol`` draws indices as bars
with their confidence intervals; ``morris`` mu_star against sigma;
``prim_tradeoff`` a PRIM box's coverage against density and ``prim_pairs``
its rows in a scatter matrix of the restricted inputs (a Figure).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .core import run
from .report import Report


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    # Constrained layout: long parameter names and axis titles stay inside the figure (no clipping).
    return plt.figure(layout="constrained").add_subplot()


#: More distinct values than this on a rows plot's axis (design rows: every value differs) are binned.
MAX_CELLS = 40


def _binned(rows, column: str, bins: int):
    """`column` as is when it has at most MAX_CELLS distinct values, else cut into `bins` equal-width
    bins labelled by their midpoints (a design's continuous parameter: one cell per row otherwise)."""
    import pandas as pd
    values = rows[column]
    if values.nunique() <= MAX_CELLS:
        return values, column
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins: {bins!r}: expected a positive int ({column} has {values.nunique()} distinct "
                         f"values, more than {MAX_CELLS} cells)")
    cut = pd.cut(values, bins)
    return cut.map(lambda iv: iv.mid).astype(float), f"{column} ({bins} bins)"


_MARGINAL_STATS = ("mean", "min", "max", "count")


def _marginal_rows(report: Report, metric: str, axes, stat: str):
    """The cells of the report's marginal over exactly `axes`, as rows with the axes and `metric` = stat."""
    for m in report.json.get("marginals") or []:
        names = [a["name"] for a in m["axes"]]
        if sorted(names) == sorted(axes):
            if stat not in _MARGINAL_STATS:
                raise ValueError(f"stat {stat!r}: a report's marginals hold {list(_MARGINAL_STATS)}")
            frame = report.marginal_frame(",".join(names))
            frame = frame[frame["metric"] == metric]
            if frame.empty:
                raise ValueError(f"the marginal over {names} has no metric {metric!r}")
            return frame.rename(columns={stat: metric})[list(axes) + [metric]]
    raise ValueError(f"the report has no marginal over {list(axes)}: reduce(..., marginals=[{','.join(axes)!r}])")


def _rows(input_or_rows: Any, columns, run_kwargs):
    import pandas as pd
    rows = input_or_rows if isinstance(input_or_rows, pd.DataFrame) else run(input_or_rows, **run_kwargs)
    missing = [c for c in columns if c not in rows.columns]
    if missing:
        raise ValueError(f"no column(s) {missing}; the rows have {list(rows.columns)}")
    return rows


def heatmap(input_or_report: Any, metric: str, x: str, y: str, stat: str = "mean", *,
            ax: Optional[Any] = None, cmap: str = "viridis", bins: int = 20, **run_kwargs: Any):
    """``stat`` (mean, min, max, median, count, ... as pandas names them) of ``metric`` over axes ``x`` and ``y``.

    ``input_or_report``: a :class:`Report` with a marginal over (x, y), an
    input (run with ``run_kwargs``) or run() rows. The cells are the distinct
    values of x and y (grid axes, or a report's bins of design parameters); rows
    with more than ``MAX_CELLS`` distinct values on an axis (design rows) are cut
    into ``bins`` equal-width bins, named in the axis title. Returns the Axes (its
    image is ``ax.collections[0]``, a QuadMesh whose array is the table).
    """
    xlabel, ylabel = x, y
    if isinstance(input_or_report, Report):
        cells = _marginal_rows(input_or_report, metric, [x, y], stat)
        table = cells.pivot_table(values=metric, index=y, columns=x, aggfunc="first", dropna=False)
    else:
        rows = _rows(input_or_report, [metric, x, y], run_kwargs)
        bx, xlabel = _binned(rows, x, bins)
        by, ylabel = _binned(rows, y, bins)
        frame = rows[[metric]].assign(_x=bx.to_numpy(), _y=by.to_numpy())
        table = frame.pivot_table(values=metric, index="_y", columns="_x", aggfunc=stat)
    ax = _axes(ax)
    xs, ys = np.asarray(table.columns, dtype=float), np.asarray(table.index, dtype=float)
    mesh = ax.pcolormesh(np.arange(len(xs) + 1), np.arange(len(ys) + 1), table.to_numpy(), cmap=cmap)
    ax.set_xticks(np.arange(len(xs)) + 0.5, [f"{v:.3g}" for v in xs], rotation=90 if len(xs) > 8 else 0)
    ax.set_yticks(np.arange(len(ys)) + 0.5, [f"{v:.3g}" for v in ys])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(f"{stat} of {metric}")
    ax.figure.colorbar(mesh, ax=ax, label=metric)
    return ax


def line(input_or_report: Any, metric: str, x: str, stat: str = "mean", *,
         ax: Optional[Any] = None, bins: int = 20, **run_kwargs: Any):
    """``stat`` of ``metric`` at each value of axis ``x`` (one line, markers at the points; design rows'
    continuous ``x`` binned as in :func:`heatmap`); returns the Axes."""
    xlabel = x
    if isinstance(input_or_report, Report):
        series = _marginal_rows(input_or_report, metric, [x], stat).set_index(x)[metric].sort_index()
    else:
        rows = _rows(input_or_report, [metric, x], run_kwargs)
        bx, xlabel = _binned(rows, x, bins)
        series = rows[metric].groupby(bx.to_numpy()).agg(stat)
    ax = _axes(ax)
    ax.plot(series.index.to_numpy(dtype=float), series.to_numpy(dtype=float), marker="o", label=f"{stat} {metric}")
    ax.set_xlabel(xlabel)
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


def _result(analysis: Any, metric: Optional[str], kind: str):
    from .sensitivity import Analysis, ResultDict
    if isinstance(analysis, ResultDict):
        return analysis, metric or ""
    if isinstance(analysis, Analysis):
        if analysis.kind != kind:
            raise ValueError(f"expected a {kind} analysis, got {analysis.kind}")
        if metric is None:
            if len(analysis) != 1:
                raise ValueError(f"name the metric: the analysis has {list(analysis)}")
            metric = next(iter(analysis))
        return analysis[metric], metric
    raise TypeError(f"expected coopgrid.{kind}() results")


def sobol(analysis: Any, metric: Optional[str] = None, *, ax: Optional[Any] = None):
    """S1 and ST of one metric as bars per parameter (or group), with their confidence half-widths; returns the Axes."""
    r, metric = _result(analysis, metric, "sobol")
    ax = _axes(ax)
    names = r["names"]
    x = np.arange(len(names))
    ax.bar(x - 0.2, r["S1"], width=0.4, yerr=r["S1_conf"], capsize=3, label="S1")
    ax.bar(x + 0.2, r["ST"], width=0.4, yerr=r["ST_conf"], capsize=3, label="ST")
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.set_ylabel("Sobol' index")
    ax.set_title(f"Sobol' indices of {metric}" if metric else "Sobol' indices")
    ax.legend()
    return ax


def morris(analysis: Any, metric: Optional[str] = None, *, ax: Optional[Any] = None):
    """Morris's mu_star against sigma, one labelled point per parameter (error bars: mu_star_conf); returns the Axes."""
    r, metric = _result(analysis, metric, "morris")
    ax = _axes(ax)
    ax.errorbar(r["mu_star"], r["sigma"], xerr=r["mu_star_conf"], fmt="o", capsize=3)
    # Inputs without any effect all sit at (0, 0): one label names them together.
    idle = [n for n, mx, sy in zip(r["names"], r["mu_star"], r["sigma"]) if mx == 0 and sy == 0]
    for name, mx, sy in zip(r["names"], r["mu_star"], r["sigma"]):
        if name not in idle:
            ax.annotate(name, (mx, sy), textcoords="offset points", xytext=(4, 4), fontsize=8)
    if idle:
        ax.annotate("no effect: " + ", ".join(idle), (0, 0), textcoords="offset points", xytext=(4, 6), fontsize=8)
    ax.set_xlabel("mu_star")
    ax.set_ylabel("sigma")
    ax.set_title(f"Morris screening of {metric}" if metric else "Morris screening")
    return ax


def prim_tradeoff(box: Any, *, ax: Optional[Any] = None):
    """A PRIM box's trajectory: coverage against density, one point per step
    coloured by its number of restricted inputs, the selected step ringed; returns the Axes."""
    from .prim import PrimBox
    if not isinstance(box, PrimBox):
        raise TypeError(f"prim_tradeoff: expected a coopgrid.prim() result, got {type(box).__name__}")
    t = box.peeling_trajectory
    ax = _axes(ax)
    dims = t["res_dim"].to_numpy()
    points = ax.scatter(t["coverage"], t["density"], c=dims, cmap="viridis", vmin=0, vmax=max(1, dims.max()),
                        s=18, zorder=2)
    ax.plot(t["coverage"], t["density"], color="0.7", lw=0.8, zorder=1)
    ax.scatter([box.coverage], [box.density], s=120, facecolors="none", edgecolors="red", zorder=3,
               label=f"step {box._cur_box}")
    ticks = range(0, int(max(1, dims.max())) + 1)
    ax.figure.colorbar(points, ax=ax, label="restricted inputs", ticks=list(ticks))
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"PRIM trade-off: {len(t)} steps, {box.total_cases:,} cases of interest "
                 f"in {box.total_rows:,} scenarios")
    ax.legend(loc="lower left")
    return ax


def _prim_step(box: Any, i: Any) -> int:
    if i is None:
        return box._cur_box
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
        raise TypeError(f"show_pairs_scatter: i must be an integer step (got {type(i).__name__})")
    if not 0 <= i < len(box.box_lims):
        raise ValueError(f"show_pairs_scatter: i must be in [0, {len(box.box_lims) - 1}] (got {i})")
    return int(i)


def _prim_pair_dims(box: Any, step: int, dims: Any) -> list:
    if dims is None:
        dims = list(box.qp[step])
        if not dims:
            raise ValueError(f"show_pairs_scatter: step {step} restricts no input; pass dims=[...]")
        return dims
    dims = [dims] if isinstance(dims, str) else list(dims)
    unknown = [d for d in dims if d not in box.inputs]
    if unknown or not dims:
        raise ValueError(f"show_pairs_scatter: dims {unknown or dims} are not among the box's inputs {box.inputs}")
    return dims


def prim_pairs(box: Any, i: Optional[int] = None, *, dims: Any = None, max_points: int = 10_000):
    """A PRIM box over its rows: a scatter matrix of step ``i``'s restricted
    inputs (or ``dims``), cases of interest in colour over the others in grey,
    the box's limits as a rectangle off the diagonal and as lines over the
    diagonal's histograms. At most ``max_points`` rows (a fixed random subset).
    Returns the Figure (one panel per pair: not a single Axes)."""
    from matplotlib.patches import Rectangle
    import matplotlib.pyplot as plt
    from .prim import PrimBox
    if not isinstance(box, PrimBox):
        raise TypeError(f"prim_pairs: expected a coopgrid.prim() result, got {type(box).__name__}")
    if box._rows is None:
        raise ValueError("show_pairs_scatter: this box was counted on a grid without its rows; "
                         "pass brute_force=True to coopgrid.prim for a grid small enough to draw")
    step = _prim_step(box, i)
    dims = _prim_pair_dims(box, step, dims)
    x, y = box._rows
    shown = np.arange(len(x))
    if len(x) > max_points:  # the same subset every time: the picture does not change between calls
        shown = np.sort(np.random.default_rng(0).choice(len(x), max_points, replace=False))
    xs, ys = x.iloc[shown], y[shown]
    lims, k = box.box_lims[step], len(dims)
    fig, axes = plt.subplots(k, k, figsize=(2.6 * k + 1.2, 2.6 * k + 0.6), squeeze=False, layout="constrained")
    for r, dr in enumerate(dims):
        for c, dc in enumerate(dims):
            ax = axes[r][c]
            if r == c:
                bins = np.histogram_bin_edges(x[dc].to_numpy(float), bins=30)
                ax.hist(xs[dc][~ys], bins=bins, color="0.7", label="other")
                ax.hist(xs[dc][ys], bins=bins, color="C0", histtype="step", lw=1.5, label="of interest")
                for v in lims[dc]:
                    ax.axvline(v, color="red", lw=1)
            else:
                ax.scatter(xs[dc][~ys], xs[dr][~ys], s=3, color="0.75", rasterized=True)
                ax.scatter(xs[dc][ys], xs[dr][ys], s=3, color="C0", rasterized=True)
                (x0, x1), (y0, y1) = lims[dc], lims[dr]
                ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="red", lw=1.2))
            ax.set_xlabel(dc)  # every panel named: its axes are not its row's and column's alone
            ax.set_ylabel(dr if r != c else "rows")
    axes[0][0].legend(fontsize="small")  # the first histogram names both colours
    note = f"{len(shown):,} of {len(x):,} rows" if len(shown) < len(x) else f"{len(x):,} rows"
    fig.suptitle(f"PRIM box {step}: coverage {box.peeling_trajectory.coverage[step]:.2f}, "
                 f"density {box.peeling_trajectory.density[step]:.2f} ({note})")
    return fig
