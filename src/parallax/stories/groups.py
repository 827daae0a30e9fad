"""Grouping: disjoint sets (union-find) and complete linkage over candidate pairs."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class DisjointSet(Generic[T]):
    """Union-find with path halving; ``union(a, b)`` keeps ``a``'s root as the group's root."""

    def __init__(self, items: Iterable[T]) -> None:
        self.parent: dict[T, T] = {x: x for x in items}

    def find(self, x: T) -> T:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: T, b: T) -> T:
        """Join the groups of ``a`` and ``b``; return the surviving root (``a``'s)."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
        return ra

    def groups(self) -> dict[T, list[T]]:
        """Members by root, each list in insertion order."""
        out: dict[T, list[T]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return out


def complete_link(n: int, edges: dict[tuple[int, int], float],
                  cannot_link: Callable[[list[int], list[int]], bool] | None = None) -> list[int]:
    """Merge along ``edges`` (``(i, j)`` with i < j → strength), strongest first, only while
    *every* pair across the two groups is itself an edge (complete linkage).

    Single or average linkage lets one shared detail chain statements that say different things
    ("eliminated leaders" — "eliminate ISIS" — "ISIS lost the city"); under complete linkage every
    member of a group is linked to every other, so a group cannot sprawl. ``cannot_link(a, b)``
    vetoes a merge of two member lists (two mentions of one article, conflicting figures).
    Returns each item's root; ties break by index, so the result does not depend on dict order.
    """
    sets: DisjointSet[int] = DisjointSet(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for (a, b), _ in sorted(edges.items(), key=lambda e: (-e[1], e[0])):
        ra, rb = sets.find(a), sets.find(b)
        if ra == rb:
            continue
        left, right = members[ra], members[rb]
        if not all((min(x, y), max(x, y)) in edges for x in left for y in right):
            continue
        if cannot_link is not None and cannot_link(left, right):
            continue
        keep, gone = min(ra, rb), max(ra, rb)
        sets.union(keep, gone)
        members[keep] = sorted(left + right)
        members.pop(gone)
    return [sets.find(i) for i in range(n)]
