"""Growth curves for docs/ (issue 17): matplotlib without a screen, one style for all."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def axes(panels: int) -> tuple[Any, list[Any]]:
    """A figure of `panels` plots side by side, drawn off screen."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, found = plt.subplots(1, panels, figsize=(5 * panels, 4), squeeze=False)
    return figure, list(found[0])


def finish(figure: Any, panels: list[Any], xlabel: str, title: str, path: Path, base: int) -> None:
    """Log-scaled x axes with legends, a title, written to `path` as PNG."""
    for axis in panels:
        axis.set_xscale("log", base=base)
        axis.set_xlabel(xlabel)
        axis.legend()
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
