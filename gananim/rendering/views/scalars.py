"""The dashboard's panels picked by name: `gananim render --scalars NAME[,NAME…]`, `scalars=[...]` in Python.

Any scalar the recording has can be picked: the snapshots' (the probes' `d_real`, `value`, … and the loop's own),
the analysis' metrics from the stored arrays (`modes_captured`, `kl`, …), and those the loop logged only between
snapshots (`Recording.dense`). Names logged with "/" group as in TensorBoard's scalar dashboard, by what comes before
the first "/": `critic/w_estimate` and `critic/gp` are one panel "critic" with the series "w_estimate" and "gp", and
picking "critic" picks every name in that group. A name the dashboard has a panel of its own for (`d_loss`, `d_real`,
…: dashboard.PANELS) is drawn in that panel, as the dashboard draws it without --scalars (its label, colour and
reference line). Panels come in the order their first name is given, which is also their importance when the frame
has room for fewer (gananim.rendering.views.stack): a picked panel that does not fit is an error, never left out.

A series the loop logged is read from its every logged value (the dense series): at each snapshot the chart's dot
and the header's value are the last value logged at or before that snapshot's step.
"""

from __future__ import annotations

import numpy as np

from gananim.errors import GananimError
from gananim.rendering.drawing import D_GREEN, D_PURPLE, DATA_BLUE, GENERATED_RED, LAMBDA_MAX, LAMBDA_MIN, SERIES_GREY

# a user's series in a panel, in turn: colours already kept exactly in a GIF's palette (drawing.MEANING_COLOURS)
USER_COLOURS = (SERIES_GREY, LAMBDA_MIN, LAMBDA_MAX, DATA_BLUE, D_PURPLE, GENERATED_RED, D_GREEN)
LISTED = 400  # characters of available names the error lists at most (it stays one line)


def picked_names(scalars) -> tuple[str, ...] | None:
    """`scalars` as a tuple of names: None stays None (the dashboard's own panels); "a,b" or ["a", "b,c"] split on
    commas, blanks dropped; naming nothing is a one-line error."""
    if scalars is None:
        return None
    items = [scalars] if isinstance(scalars, str) else list(scalars)
    if not all(isinstance(item, str) for item in items):
        raise GananimError(f"scalars= takes names (a string 'a,b' or a list of strings), got {scalars!r}")
    names = tuple(dict.fromkeys(n.strip() for item in items for n in item.split(",") if n.strip()))
    if not names:
        raise GananimError("--scalars names no scalar; give NAME[,NAME…] (gananim info RUN lists them)")
    return names


def group_of(name: str) -> str:
    """TensorBoard's grouping: the part of the name before its first "/" (the name itself when it has none)."""
    return name.split("/", 1)[0] if "/" in name.strip("/") else name


def available(rec, series: dict[str, np.ndarray]) -> list[str]:
    """Every scalar that has a finite value in the recording: the snapshots' and the analysis' series, and the dense
    series the loop logged; sorted."""
    names = {n for n, y in series.items() if np.isfinite(y).any()}
    names |= {n for n, (_, values) in rec.dense.items() if np.isfinite(values).any()}
    return sorted(names)


def resolve(names: tuple[str, ...], rec, series: dict[str, np.ndarray]) -> list[str]:
    """The scalar names picked, in order: each name itself, or every name of the group it names; an unknown name is a
    one-line error listing the names there are."""
    there = available(rec, series)
    out: list[str] = []
    for name in names:
        if name in there:
            found = [name]
        else:
            found = [n for n in there if "/" in n and group_of(n) == name.rstrip("/")]
        if not found:
            listed = ", ".join(there)
            if len(listed) > LISTED:
                listed = listed[:LISTED].rsplit(", ", 1)[0] + ", …"
            raise GananimError(
                f"no scalar {name!r} in {rec.path}; --scalars takes any of: {listed or 'none recorded'}"
                + (" (or a group before a '/')" if any("/" in n for n in there) else "")
            )
        out += [n for n in found if n not in out]
    return out


def aligned(rec, name: str, series: dict[str, np.ndarray]) -> np.ndarray:
    """One value per snapshot: the last value the loop logged at or before the snapshot's step where it logged
    `name` (NaN before its first), else the snapshots' own series."""
    dense = rec.dense.get(name)
    if dense is None:
        return series[name]
    steps, values = dense
    ok = np.isfinite(values)
    steps, values = steps[ok], values[ok].astype(np.float64)
    at = np.searchsorted(steps, rec.steps, side="right") - 1
    return np.where(at >= 0, values[np.maximum(at, 0)], np.nan)


def picked_specs(names: tuple[str, ...], rec, series: dict[str, np.ndarray], panels: list) -> tuple[list, dict]:
    """The panels for the picked names, as the dashboard's specs (title, [(name, label, colour)], reference, scale),
    and the series they draw (each picked one aligned to the snapshots). A name in one of `panels` (the dashboard's
    own, "modes" skipped) goes into that panel, the others into a panel per group."""
    picked = resolve(names, rec, series)
    own = {row[0]: panel for panel in panels if panel != "modes" for row in panel[1]}
    # (True, title) for the dashboard's own panel, (False, group) for the user's: a user's group may share a title
    # with one of ours (a "critic/…" group beside the critics' "critic" panel) and still be a panel of its own
    specs: dict[tuple[bool, str], tuple] = {}  # in the order first picked
    for name in picked:
        if name in own:
            title, rows, ref, scale = own[name]
            spec = specs.setdefault((True, title), (title, [], ref, scale))
            spec[1].append(next(row for row in rows if row[0] == name))
            continue
        group = group_of(name)
        spec = specs.setdefault((False, group), (group, [], None, "linear"))
        label = name[len(group) + 1 :] if group != name else name
        spec[1].append((name, label, USER_COLOURS[len(spec[1]) % len(USER_COLOURS)]))
    for (ours, title), spec in specs.items():
        if ours:  # the dashboard's own panel: its rows in its own order
            order = [row[0] for row in next(p for p in panels if p != "modes" and p[0] == title)[1]]
            spec[1].sort(key=lambda row: order.index(row[0]))
    return list(specs.values()), {name: aligned(rec, name, series) for name in picked}


def check_room(specs: list, placed: list) -> None:
    """Every picked panel has its place on the frame: one left out is a one-line error, not a silent gap."""
    kept = {id(item) for item, _, _ in placed}
    left = [spec[0] for spec in specs if id(spec) not in kept]
    if left:
        raise GananimError(
            f"the frame has room for {len(specs) - len(left)} of the {len(specs)} panels picked by --scalars "
            f"({', '.join(left)} left over); pick fewer, or render larger (--size 1080p)"
        )
