"""Reaction matrices with planted opinion groups, for the opinion-group tests."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def planted(
    sizes: tuple[int, ...],
    statements: int,
    *,
    seed: int,
    voted: float = 0.5,
    agree_rates: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float32], NDArray[np.intp]]:
    """(matrix, planted group of each row): each group agrees with each statement at its own
    rate (10% of reactions are passes); a share ``voted`` of the cells has a reaction."""
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(len(sizes)), sizes)
    rates = (
        agree_rates
        if agree_rates is not None
        else rng.choice([0.1, 0.9], size=(len(sizes), statements))
    )[truth]
    draw = rng.random((len(truth), statements))
    matrix = np.where(draw < rates * 0.9, 1.0, np.where(draw < 0.9, -1.0, 0.0)).astype(np.float32)
    matrix[rng.random(matrix.shape) >= voted] = np.nan
    return matrix, truth
