"""Which raters a report may show together: the published units.

The rule (DOMAIN.md, Reports): no published figure, alone or with the others of the same report, may let a
reader work out the answers of a hidden group or of any single rater other than self and line manager.

A report therefore publishes figures only for *units*, chosen once per report from the number of
responses per group:

- a group with at least its threshold of responses is a unit of its own;
- the groups below their threshold are merged into one unit; when the merge is still below the highest
  threshold of its members, it is folded into the smallest shown group other than the line manager,
  which is then labelled combined; when there is no such group, or the combined group would still hold
  fewer raters than the strictest threshold of its groups, no group is shown apart at all and ``others``
  is the only figure of the raters.

The units partition the raters other than self, so ``others`` is exactly the union of the shown units:
subtracting shown units from ``others`` only ever yields other shown units, never a hidden group. Every
figure of a unit is a symmetric function of the responses in it, so swapping two raters' responses
within a unit changes nothing a reader can see, which is what the property tests check.

A unit is shown on a dimension only when every unit that has raters on that dimension has at least its
threshold of them there ("not observed" answers can thin a unit out); otherwise that dimension shows
``others`` alone, so no subtraction can isolate the thinned unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hlm_contracts.enums import RaterGroup
from report_svc.scoring.inputs import NON_SELF_GROUPS, Thresholds

GROUP_LABELS: dict[RaterGroup, str] = {
    RaterGroup.SELF: "Self",
    RaterGroup.LINE_MANAGER: "Line manager",
    RaterGroup.PEER: "Peers",
    RaterGroup.DIRECT_REPORT: "Direct reports",
    RaterGroup.OTHER: "Other colleagues",
}


@dataclass(frozen=True, slots=True)
class Unit:
    """Raters shown together. ``combined`` when hidden groups were folded into a shown one."""

    key: str
    groups: tuple[RaterGroup, ...]
    label: str
    combined: bool
    threshold: int


def plan_units(counts: Mapping[RaterGroup, int], thresholds: Thresholds) -> tuple[Unit, ...]:
    """The units a report over ``counts`` responses per group may show apart from ``others``.

    An empty tuple means only ``others`` is shown. The caller checks ``others_total`` first.
    """
    present = [g for g in NON_SELF_GROUPS if counts.get(g, 0) > 0]
    shown = [g for g in present if counts[g] >= thresholds.of(g)]
    hidden = [g for g in present if g not in shown]
    units = [_single(g, thresholds) for g in shown]
    if not hidden:
        return tuple(units)
    pooled = sum(counts[g] for g in hidden)
    pool_threshold = max(thresholds.of(g) for g in hidden)
    if pooled >= pool_threshold and len(hidden) > 1:
        label = " and ".join(GROUP_LABELS[g].lower() for g in hidden)
        units.append(Unit("merged", tuple(hidden), f"Combined: {label}", True, pool_threshold))
        return tuple(units)
    # One hidden group alone, or a merge still too small: fold it into the smallest shown group that is
    # not the line manager (whose figures are identifiable by design and must not carry anyone else's).
    hosts = [u for u in units if u.groups != (RaterGroup.LINE_MANAGER,)]
    if not hosts:
        return ()
    host = min(hosts, key=lambda u: (counts[u.groups[0]], NON_SELF_GROUPS.index(u.groups[0])))
    members = (*host.groups, *hidden)
    folded = Unit(
        f"{host.key}_combined",
        members,
        f"{GROUP_LABELS[host.groups[0]]} (combined with {' and '.join(GROUP_LABELS[g].lower() for g in hidden)})",
        True,
        max(host.threshold, pool_threshold),
    )
    if counts[host.groups[0]] + pooled < folded.threshold:
        # Still fewer raters than the strictest of its groups asks for (a group with a high threshold
        # folded into a small one): show no group apart, only ``others``.
        return ()
    return tuple(folded if u is host else u for u in units)


def _single(group: RaterGroup, thresholds: Thresholds) -> Unit:
    return Unit(group.value, (group,), GROUP_LABELS[group], False, thresholds.of(group))


def unit_of(units: tuple[Unit, ...], group: RaterGroup) -> Unit | None:
    """The unit a group's raters are shown in, if any."""
    return next((u for u in units if group in u.groups), None)
