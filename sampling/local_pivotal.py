"""The local pivotal method 2 (Grafström, Lundström & Schelin 2012, *Biometrics* 68(2):514-520).

The paper's algorithm is sequential: pick an undecided unit i at random, find its nearest
undecided neighbour j (ties broken at random), pivot (i, j), repeat until every unit is
decided. One pair at a time in Python is far too slow for big frames, so the steps are
taken in batches, by the units that have a list of their nearest others
(`sampling.neighbour_lists`):

1. a random share (`LISTED_SHARE`) of the undecided units without a list get one, all in
   one pass of k-d tree queries;
2. each batch takes the units with a list (a random `BATCH` of them when more) in a
   random order; each one's j is the first undecided unit on its list, and the pairs
   whose two units appear in no earlier pair of the batch are pivoted at once;
3. once fewer than `RELIST_BELOW` of the undecided units have a list left, step 1 again.

Deciding units only removes them, so j is still i's nearest undecided neighbour when its
pair's turn comes, and the pairs pivoted together are disjoint: they are LPM2 steps taken
in sequence, and every step keeps the inclusion probabilities. The departure from the
paper is in which i comes next: a random order of the listed units, a random share of all,
rather than a fresh uniform draw among all undecided. Units without a list are still taken
as partners, which is why listing a share costs far fewer queries than listing all: most
units are decided, as someone's partner, before their own turn would come. The design
keeps BalancedSampling's spatial balance and takes slightly fewer neighbouring pairs
(tests/sampling/test_lpm2.py); drawing i fresh each time matches that C++ exactly but costs
twice as much here, and taking every undecided unit at once takes fewer pairs still.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sampling.neighbour_lists import NeighbourLists
from sampling.pivotal import last_unit_selected, pivot, settle

# Of the undecided units without a list, this share gets one at each listing.
LISTED_SHARE = 0.45
# List again once fewer than this share of the undecided units have a list left.
RELIST_BELOW = 0.05
# At a listing, build a new k-d tree first once fewer than this share of the current
# tree's units are undecided (a tree of mostly decided units makes queries look farther).
REBUILD_BELOW = 0.5
# At most about this many units act in one batch: that bounds the batch's temporary arrays,
# which at a million units would otherwise be what the draw's memory peak is made of.
BATCH = 1 << 16


def _disjoint_pairs(
    rows: np.ndarray, partner: np.ndarray, claim: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Which pairs (rows[t], partner[t]) to pivot: in a random order of the (distinct) rows,
    those whose two units are in no earlier pair. `claim` is scratch space over all units."""
    turn = rng.permutation(np.arange(rows.size, dtype=np.int32))
    claim[partner] = rows.size
    claim[rows] = turn
    np.minimum.at(claim, partner, turn)
    return (claim[rows] == turn) & (claim[partner] == turn)


def lpm2(
    pi: np.ndarray,
    coords: np.ndarray,
    rng: np.random.Generator,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Positions of the units selected by LPM2 with inclusion probabilities `pi` and
    Euclidean distances between the rows of `coords`; `progress` is told how many units
    each batch decided."""
    p = settle(np.asarray(pi, dtype=float).copy())
    total = float(p.sum())
    xyz = np.asarray(coords, dtype=float)
    if xyz.ndim == 1:
        xyz = xyz[:, None]
    units = np.flatnonzero((p > 0.0) & (p < 1.0))
    chosen = np.flatnonzero(p == 1.0)
    if progress is not None:
        progress(p.size - units.size)
    if units.size <= 1:
        if units.size and last_unit_selected(float(p[units[0]]), total, rng):
            chosen = np.sort(np.append(chosen, units))
        if progress is not None and units.size:
            progress(1)
        return chosen
    every = units.size == p.size  # then no copies: the units are the frame's rows
    q = p if every else p[units]  # the units' probabilities
    lists = NeighbourLists(xyz if every else xyz[units], rng)
    del p
    open_ = np.ones(q.size, dtype=bool)
    claim = np.empty(q.size, dtype=np.int32)
    live = lists.leaf_order()  # the undecided units as of the last listing, in leaf order
    lists.list_share(live, open_, LISTED_SHARE)
    listed = lists.listed_of(live)  # a superset of the undecided units with a list left
    undecided = q.size
    while undecided > 1:
        listed = lists.listed_of(listed[open_[listed]])
        if listed.size < RELIST_BELOW * undecided:
            live = live[open_[live]]
            if live.size < REBUILD_BELOW * lists.tree_size:
                lists.rebuild(live)
            lists.list_share(live, open_, LISTED_SHARE)
            listed = lists.listed_of(live)
            continue
        rows = listed
        if rows.size > BATCH:
            rows = rows[rng.random(rows.size, dtype=np.float32) < BATCH / rows.size]
        partner = lists.partners(rows, open_)
        rows, partner = rows[partner >= 0], partner[partner >= 0]
        keep = _disjoint_pairs(rows, partner, claim, rng)
        a, b = rows[keep], partner[keep]
        new_a, new_b = pivot(q[a], q[b], rng.random(a.size))
        q[a], q[b] = settle(new_a), settle(new_b)
        open_[a] = (new_a > 0.0) & (new_a < 1.0)
        open_[b] = (new_b > 0.0) & (new_b < 1.0)
        decided = 2 * a.size - int(open_[a].sum()) - int(open_[b].sum())
        undecided -= decided
        if progress is not None:
            progress(decided)
    if undecided == 1:
        last = np.flatnonzero(open_)[0]
        q[last] = last_unit_selected(float(q[last]), total, rng)
        if progress is not None:
            progress(1)
    selected = np.flatnonzero(q == 1.0)
    return selected if every else np.sort(np.concatenate((chosen, units[selected])))
