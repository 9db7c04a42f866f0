"""Each undecided unit's nearest others, for the local pivotal method, from k-d trees.

LPM2 pivots a unit with its nearest undecided neighbour, ties broken at random. Units are
only ever decided, never brought back, so a list of a unit's nearest others stays right
for as long as one of them is undecided: the first undecided unit on it is the nearest,
since every unit off the list is at least as far as the farthest on it. A list therefore
holds whole groups of equidistant units only (each group shuffled), so that ties are
broken at random; where more units tie at the nearest distance than a list holds
(duplicate points), it holds a random draw of them.

Lists come from `scipy.spatial.cKDTree` queries, made when a unit first needs one and
again, on a tree of the then undecided units, when its list runs out.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

# Others a list holds: four is a square grid's ring of nearest neighbours.
NEIGHBOURS = 4
# A query asks for up to this many more at a time while the nearest are all decided or all
# tie; this many tied at the nearest distance (duplicate points) count as the whole group.
TIED = 64
# Below this many units to list, `list_share` lists them all.
FEW = 64
# Query this many points at a time, so that the answer arrays stay small.
QUERY_CHUNK = 1 << 14


def _tree(points: np.ndarray) -> cKDTree:
    # Sliding-midpoint splits build in about half the time of median splits and query as
    # fast; 32 points a leaf takes a quarter less memory than 16 at no cost in query time.
    return cKDTree(points, leafsize=32, balanced_tree=False)


class NeighbourLists:
    """Lists of nearest undecided others for the units 0..m-1, the rows of `points`.

    `listed[i]` is unit i's list, nearest first, padded with i itself (never its own
    partner); `cursor[i]` is how far down it i has had to go, `width` meaning no list.
    """

    def __init__(self, points: np.ndarray, rng: np.random.Generator):
        self.points, self.rng = points, rng
        self.tree = _tree(points)
        self.members: np.ndarray | None = None  # the current tree's units, when not all
        self.width = NEIGHBOURS
        self.cursor = np.full(points.shape[0], self.width, dtype=np.int8)
        self.listed = np.empty((0, self.width), dtype=np.int32)

    @property
    def tree_size(self) -> int:
        return self.tree.n

    def leaf_order(self) -> np.ndarray:
        """All units in the first tree's leaf order: near in space, near in the order."""
        return self.tree.indices

    def rebuild(self, live: np.ndarray) -> None:
        """A tree of the units `live` (a superset of the undecided) for the lists to come."""
        self.tree = self.members = None  # let the old tree go before building the new
        self.tree, self.members = _tree(self.points[live]), live

    def listed_of(self, rows: np.ndarray) -> np.ndarray:
        """The units of `rows` that have a list left."""
        return rows[self.cursor[rows] < self.width]

    def list_share(self, live: np.ndarray, open_: np.ndarray, share: float) -> None:
        """List, in one pass in leaf order, each unit of `live` (undecided, in leaf order)
        that has no list left with probability `share` (all of them when few)."""
        spent = self.cursor[live] == self.width
        if np.count_nonzero(spent) > FEW:
            spent &= self.rng.random(live.size, dtype=np.float32) < share
        self._list(live[spent], open_)

    def partners(self, rows: np.ndarray, open_: np.ndarray) -> np.ndarray:
        """The first undecided other down the list of each of `rows`, or -1 where the list
        runs out (the unit then has no list left)."""
        # Index arrays stay intp: numpy copies any other kind to intp at each indexing.
        partner = np.full(rows.size, -1)
        if self.listed.shape[0] == 0:
            return partner
        flat, cursor, width = self.listed.reshape(-1), self.cursor, self.width
        stale = np.flatnonzero(cursor[rows] < width)
        partner[stale] = flat[rows[stale] * width + cursor[rows[stale]]]
        stale = stale[~open_[partner[stale]] | (partner[stale] == rows[stale])]
        while stale.size:
            moved = rows[stale]
            cursor[moved] += 1
            left = cursor[moved] < width
            partner[stale[~left]] = -1
            stale, moved = stale[left], moved[left]
            partner[stale] = flat[moved * width + cursor[moved]]
            stale = stale[~open_[partner[stale]] | (partner[stale] == moved)]
        return partner

    def _list(self, units: np.ndarray, open_: np.ndarray) -> None:
        """New lists for `units` (sorted, so in leaf order: queries then walk through space
        from neighbour to neighbour, several times faster than in random order)."""
        if self.listed.shape[0] == 0:
            # Allocated at the first use rather than up front: the lists are the draw's
            # largest array, and by then the caller has let go of what it no longer needs.
            self.listed = np.empty((self.cursor.size, self.width), dtype=np.int32)
        for start in range(0, units.size, QUERY_CHUNK):
            rows = units[start : start + QUERY_CHUNK]
            lists = np.empty((rows.size, self.width), dtype=np.int32)
            todo, k = np.arange(rows.size), self.width + 2  # itself, the list, one past it
            while todo.size:
                k = min(k, self.tree.n)
                lists[todo], found = self._nearest_groups(rows[todo], k, open_)
                todo = todo[~found]
                k *= 4  # the tree's nearest were all decided or all tied: look farther
            self.listed[rows] = lists
            self.cursor[rows] = 0

    def _nearest_groups(
        self, rows: np.ndarray, k: int, open_: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lists from the k nearest in the current tree: the undecided others, in whole
        groups of equidistant units that fit (ties in random order), or a random draw of the
        nearest group when it alone does not fit. Also whether each row found any."""
        distance, found = self.tree.query(self.points[rows], k=k)
        distance, found = distance.reshape(rows.size, k), found.reshape(rows.size, k)
        if self.members is not None:
            found = self.members[found]
        lists = np.empty((rows.size, self.width), dtype=np.int32)
        listed = np.ones(rows.size, dtype=bool)
        # The usual case, taken as it comes: the unit itself, then undecided others at
        # distances that all differ (so the last, one past the list, cuts no group).
        plain = np.zeros(rows.size, dtype=bool)
        if k == self.width + 2:
            plain = found[:, 0] == rows
            plain &= (distance[:, 1:] > distance[:, :-1]).all(axis=1)
            plain &= open_[found[:, 1:]].all(axis=1)
            lists[plain] = found[plain, 1 : self.width + 1]
        rest = ~plain
        if rest.any():
            lists[rest], listed[rest] = self._groups(rows[rest], distance[rest], found[rest], open_)
        return lists, listed

    def _groups(
        self, rows: np.ndarray, distance: np.ndarray, found: np.ndarray, open_: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """`_nearest_groups` for rows with ties, decided units or the unit itself not first."""
        k = distance.shape[1]
        # Past the k-th may lie more units at its distance: only nearer ones are sure to be
        # whole groups. Beyond `TIED` units, the k-th's group is taken as found (duplicates).
        edge = distance[:, -1:] if k < self.tree.n else np.full((rows.size, 1), np.inf)
        near = distance <= edge if k >= TIED else distance < edge
        usable = open_[found] & (found != rows[:, None]) & near
        # The usable entries first, in distance order, with random order among ties.
        order = np.lexsort((self.rng.random(distance.shape), distance, ~usable), axis=1)
        found = np.take_along_axis(found, order, axis=1)
        distance = np.take_along_axis(distance, order, axis=1)
        distance[~np.take_along_axis(usable, order, axis=1)] = np.inf
        if k <= self.width:
            pad = np.full((rows.size, self.width - k + 1), np.inf)
            distance = np.column_stack((distance, pad))
            found = np.column_stack((found, np.repeat(rows[:, None], self.width - k + 1, 1)))
        # An entry is listed if its whole group fits: it is nearer than the first left out.
        fits = distance[:, : self.width] < distance[:, self.width, None]
        lists = np.where(fits, found[:, : self.width], rows[:, None])
        # The nearest group alone too big for a list: its first `width` in random order.
        crowded = ~fits[:, 0] & np.isfinite(distance[:, 0])
        lists[crowded] = np.where(
            distance[crowded, : self.width] == distance[crowded, :1],
            found[crowded, : self.width],
            rows[crowded, None],
        )
        return lists, np.isfinite(distance[:, 0])
