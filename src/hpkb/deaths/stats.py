"""The few statistics the report needs: upper tails of the Poisson and negative binomial
counts, and Benjamini-Hochberg q-values (the standard library suffices)."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["benjamini_hochberg", "count_tail", "surprise"]


def _log_pmf(k: int, mean: float, size: float | None) -> float:
    if size is None:  # Poisson
        return k * math.log(mean) - mean - math.lgamma(k + 1)
    return (math.lgamma(k + size) - math.lgamma(size) - math.lgamma(k + 1)
            + size * math.log(size / (size + mean)) + k * math.log(mean / (size + mean)))


def count_tail(observed: int, mean: float, size: float | None = None) -> float:
    """P(X >= observed) for X Poisson with ``mean`` or, with ``size``, negative binomial
    with that mean and dispersion (variance mean + mean**2 / size)."""
    if observed <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if observed > mean:  # sum the tail upward: its terms fall away fast
        first = _log_pmf(observed, mean, size)
        total, term, k = 0.0, 1.0, observed
        while term >= 1e-12 * total and k <= observed + 100_000:
            total += term
            # Each term from the one before: P(k+1)/P(k).
            term *= (mean / (k + 1) if size is None
                     else (k + size) / (k + 1) * mean / (size + mean))
            k += 1
        return min(1.0, math.exp(first) * total)
    # P(X < observed), summed downward from observed - 1, each term from the one above
    # (P(k-1)/P(k)) until the terms no longer count: a handful of standard deviations,
    # however large the count.
    last = _log_pmf(observed - 1, mean, size)
    terms, term, k = [1.0], 1.0, observed - 1
    while k > 0:
        term *= (k / mean if size is None else k / (k - 1 + size) * (size + mean) / mean)
        terms.append(term)
        k -= 1
        if term < 1e-17 * terms[0] and (size is None or k <= mean * (size - 1) / size):
            break  # below the mode the terms only shrink
    below = math.exp(last) * math.fsum(terms)
    return max(0.0, 1.0 - below)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Each p-value's q-value: the smallest false discovery rate at which it would be
    called a discovery among all of them (Benjamini and Hochberg, 1995)."""
    count = len(p_values)
    order = sorted(range(count), key=lambda i: p_values[i])
    q = [1.0] * count
    running = 1.0
    for rank in range(count, 0, -1):
        at = order[rank - 1]
        running = min(running, p_values[at] * count / rank)
        q[at] = running
    return q


def surprise(p: float, tests: int = 1) -> float:
    """A score from a p-value and the number of such things looked at: -log10 of the
    chance that any of them would look at least this unusual by chance (Bonferroni),
    0 when that chance is high; at most 30."""
    chance = min(1.0, max(p, 1e-300) * max(tests, 1))
    return round(min(30.0, -math.log10(chance)), 2)
