"""The pivotal method (Deville & Tillé 1998): the step that LPM2 (`local_pivotal`) repeats too.

A pivotal step takes two undecided units with probabilities a and b and moves probability
between them so that at least one becomes 0 or 1, keeping E[a'] = a and E[b'] = b:

  a + b < 1:  (0, a+b) with probability b/(a+b), else (a+b, 0)
  a + b ≥ 1:  (1, a+b−1) with probability (1−b)/(2−a−b), else (a+b−1, 1)

Repeating steps until every unit is decided gives a fixed-size sample (when Σπ is an
integer) with exactly the prescribed first-order inclusion probabilities, whatever rule
picks the pairs. The rule is what makes the design: consecutive units in a list (ordered
pivotal), a random list (random pivotal), or a unit and its nearest undecided neighbour
(LPM2, Grafström, Lundström & Schelin 2012, *Biometrics* 68(2):514-520), which keeps
neighbours from both being selected and so spreads the sample in space.
"""

from __future__ import annotations

import numpy as np

# Probabilities this close to 0 or 1 are decided; rounding in long chains of steps would
# otherwise leave units at 1e-16 forever.
EPS = 1e-9


def pivot(a: np.ndarray, b: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One pivotal step on each pair (a[i], b[i]) with uniform draws u[i]; vectorised."""
    s = a + b
    low = s < 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        b_takes_all = u < b / s
        a_gets_one = u < (1.0 - b) / (2.0 - s)
    new_a = np.where(low, np.where(b_takes_all, 0.0, s), np.where(a_gets_one, 1.0, s - 1.0))
    new_b = np.where(low, np.where(b_takes_all, s, 0.0), np.where(a_gets_one, s - 1.0, 1.0))
    return new_a, new_b


def settle(p: np.ndarray) -> np.ndarray:
    """Round probabilities within EPS of 0 or 1 to them, in place."""
    p[p < EPS] = 0.0
    p[p > 1.0 - EPS] = 1.0
    return p


def last_unit_selected(p_last: float, total: float, rng: np.random.Generator) -> bool:
    """Settle the one unit a pivotal run can leave undecided.

    When Σπ is a whole number the leftover is rounding noise around 0 or 1, so it is
    rounded (a draw could add or drop a unit with tiny probability and break the fixed
    size); otherwise it carries the fractional part and is a Bernoulli(p) draw.
    """
    if abs(total - round(total)) < 1e-6:
        return p_last >= 0.5
    return bool(rng.random() < p_last)


def ordered_pivotal(pi: np.ndarray, rng: np.random.Generator, order=None) -> np.ndarray:
    """Indices selected by pivotal steps along `order` (default: the given order).

    The undecided unit carried forward meets the next unit in the list; the loser of each
    step is decided, the survivor is carried. Plain Python floats: a loop over lists is
    several times faster than numpy scalars for this strictly sequential recurrence.
    """
    p = settle(np.asarray(pi, dtype=float).copy())
    order = np.arange(p.size) if order is None else np.asarray(order)
    live = order[(p[order] > 0.0) & (p[order] < 1.0)]
    chosen: list[int] = np.flatnonzero(p == 1.0).tolist()
    if live.size == 0:
        return np.sort(np.asarray(chosen, dtype=np.int64))
    units = live.tolist()
    probs = p[live].tolist()
    draws = rng.random(live.size).tolist()
    carry, c = units[0], probs[0]
    low, high = EPS, 1.0 - EPS
    for k in range(1, len(units)):
        unit, q, u = units[k], probs[k], draws[k]
        s = c + q
        if s < 1.0:
            if u < q / s:  # the newcomer takes the mass; the carried unit is out
                carry = unit
            c = s
        elif u < (1.0 - q) / (2.0 - s):  # the carried unit is selected
            chosen.append(carry)
            carry, c = unit, s - 1.0
        else:  # the newcomer is selected, the carried unit keeps the excess
            chosen.append(unit)
            c = s - 1.0
        if c >= high:
            chosen.append(carry)
            c = 0.0
    if c > low and last_unit_selected(c, float(np.sum(probs)), rng):
        chosen.append(carry)
    return np.sort(np.asarray(chosen, dtype=np.int64))


def random_pivotal(pi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ordered pivotal along a uniformly random permutation of the units."""
    return ordered_pivotal(pi, rng, order=rng.permutation(len(pi)))
