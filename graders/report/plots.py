"""The report's figures: matplotlib's Agg canvas, no pyplot state, embedded as base64 PNG.

Each figure is drawn from numbers the caller also writes as CSV (a histogram from the
counts of :func:`bin_counts`, not from a second binning), so the page and its CSV agree.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from graders.report.items import ItemStats

__all__ = ["BIN_EDGES", "bin_counts", "histograms_png", "items_png"]

#: Edges of the score histograms, in percent: ten bins of 10 points, the last one [90, 100].
BIN_EDGES: tuple[float, ...] = tuple(float(e) for e in range(0, 101, 10))


def bin_counts(percentages: Sequence[float]) -> list[int]:
    """How many values fall in each bin of :data:`BIN_EDGES` (100 % in the last bin).

    Args:
        percentages: values in [0, 100] (clipped into it).

    Returns:
        One count per bin.
    """
    values = np.clip(np.asarray(percentages, dtype=float), 0.0, 100.0)
    counts, _ = np.histogram(values, bins=np.asarray(BIN_EDGES))
    return [int(c) for c in counts]


def _png(fig: Figure) -> str:
    """The figure as a base64 PNG."""
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(out.getvalue()).decode("ascii")


def histograms_png(panels: Sequence[tuple[str, Sequence[int]]]) -> str:
    """Small multiples of score histograms, one panel per (title, bin counts).

    Args:
        panels: the overall distribution first, then one per unit.

    Returns:
        The base64 PNG.
    """
    cols = min(len(panels), 4) or 1
    rows = max(1, -(-len(panels) // cols))
    fig = Figure(figsize=(3.2 * cols, 2.4 * rows))
    left = np.asarray(BIN_EDGES[:-1])
    for i, (title, counts) in enumerate(panels):
        ax = fig.add_subplot(rows, cols, i + 1)
        ax.bar(left, counts, width=9.0, align="edge", color="#3b6ea8" if i else "#2a8a3e")
        ax.set_title(title, fontsize=9)
        ax.set_xlim(0, 100)
        ax.set_xlabel("% of graded points", fontsize=8)
        ax.set_ylabel("students", fontsize=8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    return _png(fig)


def items_png(stats: Sequence[ItemStats]) -> str:
    """Difficulty and discrimination per question, side by side ("n/a" where undefined).

    Args:
        stats: the item analysis, in question order.

    Returns:
        The base64 PNG.
    """
    names = [s.column for s in stats]
    y = np.arange(len(stats))
    fig = Figure(figsize=(9.0, 0.35 * len(stats) + 1.2))
    ax1, ax2 = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    ax1.barh(y, [s.difficulty if s.difficulty is not None else 0.0 for s in stats],
             color="#3b6ea8")
    ax1.set_xlim(0, 1)
    ax1.set_title("difficulty (mean score / max)", fontsize=9)
    disc = [s.discrimination for s in stats]
    ax2.barh(y, [d if d is not None else 0.0 for d in disc],
             color=["#c0392b" if d is not None and d < 0 else "#2a8a3e" for d in disc])
    for yi, d in zip(y, disc, strict=True):
        if d is None:
            ax2.text(0.02, float(yi), "n/a (zero variance or too few scores)", va="center",
                     fontsize=7)
    ax2.set_xlim(-1, 1)
    ax2.axvline(0, color="#555", linewidth=0.8)
    ax2.set_title("discrimination (corrected item-total r)", fontsize=9)
    for ax in (ax1, ax2):
        ax.set_yticks(y, names if ax is ax1 else [""] * len(names), fontsize=7)
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=7)
    fig.tight_layout()
    return _png(fig)
