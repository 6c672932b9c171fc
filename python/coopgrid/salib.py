"""Problem definitions both ways: coopgrid's problem files and SALib's problem dict.

SALib's dict holds ``num_vars``, ``names``, ``bounds``, ``dists`` and, when
parameters share a group, ``groups``. coopgrid reads its problem files with
the engine's own reader (:func:`read_problem`) and writes TOML problem files
(:func:`write_problem`) that ``coopgrid`` reads back. The samples of
``coopgrid.sample(problem, "saltelli", N)`` are SALib's, in SALib's order, so
``SALib.analyze.sobol.analyze(to_salib(p), Y)`` reads ``coopgrid.run`` outputs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Union

from . import _native
from ._output import output_file


@dataclass
class Parameter:
    """One varied field: its dotted name, distribution (DESIGNS.md section 1) and group."""
    name: str
    dist: str                 # uniform, loguniform, normal, truncnormal, lognormal, triangular, integers, choice
    args: List[float]         # as written in the TOML file: uniform [a, b], truncnormal [mu, sigma, lo, hi], ...
    group: Optional[str] = None  # None: the parameter is its own group


@dataclass
class Problem:
    """A coopgrid problem: the varied fields (in the problem's order) and the fixed ones."""
    parameters: List[Parameter]
    fixed: Dict[str, float] = field(default_factory=dict)
    source: str = ""

    @property
    def names(self) -> List[str]:
        return [p.name for p in self.parameters]


def read_problem(path: Union[str, "os.PathLike[str]"], fixed: Optional[str] = None) -> Problem:
    """Reads a problem file (TOML, or SALib's text format with ``fixed`` TOML) with coopgrid's reader.

    Bad content raises ValueError with the CLI's message.
    """
    info = _native.problem_info(os.fspath(path), "" if fixed is None else os.fspath(fixed))
    params = []
    for p in info["parameters"]:
        group = p["group"] if p["group"] != p["name"] else None
        params.append(Parameter(p["name"], p["distribution"], [float(a) for a in p["args"]], group))
    return Problem(params, dict(info["fixed"]), info["source"])


# coopgrid distribution -> SALib's dist name, and the bounds SALib gives it.
def _to_salib_bounds(p: Parameter):
    a = p.args
    if p.dist == "uniform":
        return "unif", [a[0], a[1]]
    if p.dist == "loguniform":
        return "logunif", [a[0], a[1]]
    if p.dist == "normal":
        return "norm", [a[0], a[1]]
    if p.dist == "lognormal":
        return "lognorm", [a[0], a[1]]
    if p.dist == "truncnormal":  # SALib: [lower, upper, mean, sd]
        return "truncnorm", [a[2], a[3], a[0], a[1]]
    if p.dist == "triangular":  # SALib: [end, peak as a fraction of the width], starting at 0
        lo, mode, hi = a
        c = 0.0 if hi == lo else (mode - lo) / (hi - lo)
        return "triang", [hi, c] if lo == 0 else [lo, hi, c]
    raise ValueError(f"{p.name}: {p.dist} {a} has no SALib distribution (SALib has unif, logunif, triang, "
                     "norm, truncnorm and lognorm, continuous only); fix the field, or call to_salib(problem, "
                     "nearest=True) for the nearest continuous one (integers [a, b]: unif [a, b + 1], to floor)")


def _nearest_salib_bounds(p: Parameter):
    """The continuous stand-in of a discrete parameter: integers [a, b] as unif [a, b + 1] (floor gives a..b
    with equal weights, as coopgrid's a + floor(u (b - a + 1))); a choice has none."""
    if p.dist == "integers":
        return "unif", [p.args[0], p.args[1] + 1]
    raise ValueError(f"{p.name}: choice {p.args} has no continuous SALib stand-in; fix the field")


def _from_salib_bounds(name: str, dist: str, b: List[float]) -> Parameter:
    b = [float(v) for v in b]
    if dist == "unif":
        return Parameter(name, "uniform", b[:2])
    if dist == "logunif":
        return Parameter(name, "loguniform", b[:2])
    if dist == "norm":
        return Parameter(name, "normal", b[:2])
    if dist == "lognorm":
        return Parameter(name, "lognormal", b[:2])
    if dist == "truncnorm":
        if len(b) != 4:
            raise ValueError(f"{name}: truncnorm needs bounds [lower, upper, mean, sd], got {b}")
        return Parameter(name, "truncnormal", [b[2], b[3], b[0], b[1]])
    if dist == "triang":
        lo, hi, c = (0.0, b[0], b[1]) if len(b) == 2 else (b[0], b[1], b[2])
        return Parameter(name, "triangular", [lo, lo + c * (hi - lo), hi])
    raise ValueError(f"{name}: SALib dist '{dist}': expected unif, logunif, triang, norm, truncnorm or lognorm")


def to_salib(problem: Union[Problem, str, "os.PathLike[str]"], nearest: bool = False) -> Dict[str, Any]:
    """SALib's problem dict of a Problem (or of a problem file's path), in its parameters' order.

    A distribution SALib lacks (integers, choice) raises ValueError naming it; with ``nearest=True`` an
    ``integers`` parameter becomes SALib's nearest continuous one (unif [a, b + 1]: floor its samples).
    """
    if not isinstance(problem, Problem):
        problem = read_problem(problem)

    def convert(p: Parameter):
        if nearest and p.dist in ("integers", "choice"):
            return _nearest_salib_bounds(p)
        return _to_salib_bounds(p)
    dists, bounds = zip(*(convert(p) for p in problem.parameters)) if problem.parameters else ((), ())
    out: Dict[str, Any] = {"num_vars": len(problem.parameters), "names": problem.names,
                           "bounds": [list(b) for b in bounds], "dists": list(dists)}
    if any(p.group for p in problem.parameters):
        out["groups"] = [p.group or p.name for p in problem.parameters]
    return out


def from_salib(salib_problem: Mapping[str, Any], fixed: Optional[Mapping[str, float]] = None,
               argument: str = "problem") -> Problem:
    """The Problem of SALib's dict, in its ``names`` order (names are coopgrid's dotted field names);
    ``fixed``: the other fields' values. Bad entries raise ValueError naming ``argument`` and the key."""
    names = list(salib_problem["names"])
    bounds = list(salib_problem["bounds"])
    known = set(_native.field_names)
    for i, name in enumerate(names):
        if not isinstance(name, str) or name not in known:
            raise ValueError(f"{argument}['names'][{i}]: {name!r} is not a coopgrid field; expected one of "
                             f"{list(_native.field_names)}")
        if name in names[:i]:
            raise ValueError(f"{argument}['names'][{i}]: {name!r} is listed twice")
    num_vars = salib_problem.get("num_vars", len(names))
    if num_vars != len(names):
        raise ValueError(f"{argument}['num_vars']: {num_vars}, but 'names' lists {len(names)} parameters")
    dists = list(salib_problem.get("dists") or ["unif"] * len(names))
    groups = salib_problem.get("groups")
    for key, seq in (("bounds", bounds), ("dists", dists), ("groups", groups)):
        if seq is not None and len(seq) != len(names):
            raise ValueError(f"{argument}['{key}']: {len(seq)} entries for {len(names)} names")
    params = []
    for i, name in enumerate(names):
        try:
            p = _from_salib_bounds(name, dists[i], bounds[i])
        except (TypeError, IndexError) as e:
            raise ValueError(f"{argument}['bounds'][{i}]: {bounds[i]!r} for {name} ({dists[i]}): {e}") from None
        if groups is not None and groups[i] != name:
            p.group = str(groups[i])
        params.append(p)
    return Problem(params, dict(fixed or {}))


def _toml_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 2**53 else repr(float(v))


def problem_toml(problem: Problem) -> str:
    """``problem`` as TOML problem text, its parameters in its own order.

    Every field is a dotted key at the top level (``countries.datasets = {...}``):
    TOML tables would group fields by block, and the problem's order is the
    order its distributions are written in (DESIGNS.md section 1).
    """
    known = set(_native.field_names)
    lines = []
    for name, value in problem.fixed.items():
        if name not in known:
            raise ValueError(f"fixed: '{name}' is not a field; expected one of {sorted(known)}")
        lines.append(f"{name} = {_toml_number(value)}")
    for p in problem.parameters:
        if p.name not in known:
            raise ValueError(f"parameter '{p.name}' is not a field; expected one of {sorted(known)}")
        args = ", ".join(_toml_number(a) for a in p.args)
        group = f', group = "{p.group}"' if p.group else ""
        lines.append(f"{p.name} = {{ {p.dist} = [{args}]{group} }}")
    return "\n".join(lines) + "\n"


def write_problem(problem: Problem, path: Union[str, "os.PathLike[str]"]) -> None:
    """Writes ``problem`` as a TOML problem file (``coopgrid run PATH --design ...`` reads it)."""
    text = problem_toml(problem)
    with output_file(path) as f:
        f.write(text)


def is_salib_dict(value: Any) -> bool:
    """True for SALib's problem dict (``names`` and ``bounds``), as opposed to a batch's columns."""
    return isinstance(value, Mapping) and "names" in value and "bounds" in value


ProblemInput = Union[Problem, Mapping[str, Any], str, "os.PathLike[str]"]


def problem_input(problem: ProblemInput, fixed: Union[None, str, "os.PathLike[str]", Mapping[str, float]] = None,
                  argument: str = "problem"):
    """(name, TOML text or "", --fixed path or "") of a path, a SALib dict or a :class:`Problem`.

    A dict or Problem is handed to the engine as TOML text (no file is written);
    ``fixed`` is then a mapping of field values (a path applies to SALib text files only).
    """
    if isinstance(problem, (str, os.PathLike)):
        if fixed is not None and not isinstance(fixed, (str, os.PathLike)):
            raise TypeError(f"fixed: a problem file takes a TOML path, not {type(fixed).__name__}")
        return os.fspath(problem), "", "" if fixed is None else os.fspath(fixed)
    if isinstance(fixed, (str, os.PathLike)):
        raise TypeError("fixed: a dict or Problem takes fixed values as a mapping {field: value}, not a path")
    if isinstance(problem, Problem):
        p = Problem(list(problem.parameters), {**problem.fixed, **dict(fixed or {})}, problem.source)
        return problem.source or "<Problem>", problem_toml(p), ""
    if isinstance(problem, Mapping):
        if not is_salib_dict(problem):
            raise ValueError(f"{argument}: a SALib problem dict needs 'names' and 'bounds' "
                             f"(and optionally 'num_vars', 'dists', 'groups'); got keys {sorted(problem)}")
        return "<SALib dict>", problem_toml(from_salib(problem, fixed, argument)), ""
    raise TypeError(f"{argument}: expected a path, a SALib problem dict or a coopgrid.salib.Problem, "
                    f"not {type(problem).__name__}")
