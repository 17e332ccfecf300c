"""Frozen versions of a conflict-prevention plan and what changed between two of them.

`serialize()` writes the plan's content (fields, risks, actions — not their progress) as plain JSON when it is
submitted; `compare()` reads two such snapshots and says, in words a reviewer reads, which fields changed and
which risks and actions were added, removed or changed. Risks and actions are matched across versions by their
`key`, which a new version's copies keep.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from dialogues.plans.models import PlanFocus
from mapping_portal.models import ThematicArea

PLAN_FIELDS = [
    ("title", _("title")),
    ("authoring_body", _("authoring body")),
    ("period", _("period")),
    ("context_analysis", _("context analysis")),
    ("focus_forecasting", PlanFocus.FORECASTING.label),
    ("focus_dialogue", PlanFocus.DIALOGUE.label),
    ("focus_peace", PlanFocus.PEACE.label),
]
RISK_FIELDS = [
    ("description", _("description")),
    ("thematic_area", _("thematic direction")),
    ("likelihood", _("likelihood (1–5)")),
    ("impact", _("impact (1–5)")),
    ("early_warning_signs", _("early-warning signs")),
    ("affected_groups", _("affected groups")),
]
ACTION_FIELDS = [
    ("title", _("title")),
    ("focus", _("focus")),
    ("risks", _("risks it addresses")),
    ("responsible", _("responsible organizations")),
    ("partners", _("partner organizations")),
    ("start_date", _("start")),
    ("end_date", _("end")),
    ("budget", _("budget (som)")),
    ("budget_source", _("source of funding")),
    ("indicator", _("indicator")),
    ("target", _("target")),
]


def _day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def serialize(plan) -> dict:
    """The plan's content as JSON-ready values (codes, names, dd.mm.yyyy dates, amounts as text)."""
    risks = list(plan.risks.select_related("thematic_area").order_by("id"))
    risk_labels = {risk.pk: _short(risk.description) for risk in risks}
    actions = plan.actions.order_by("start_date", "id").prefetch_related(
        "risks", "responsible_organizations", "partner_organizations"
    )
    return {
        "fields": {
            "title": plan.title,
            "authoring_body": plan.authoring_body.name,
            "period": f"{_day(plan.period_start)}–{_day(plan.period_end)}",
            "context_analysis": plan.context_analysis,
            "focus_forecasting": plan.focus_forecasting,
            "focus_dialogue": plan.focus_dialogue,
            "focus_peace": plan.focus_peace,
        },
        "risks": [
            {
                "key": str(risk.key),
                "description": risk.description,
                "thematic_area": risk.thematic_area.code if risk.thematic_area else "",
                "likelihood": risk.likelihood,
                "impact": risk.impact,
                "early_warning_signs": risk.early_warning_signs,
                "affected_groups": risk.affected_groups,
            }
            for risk in risks
        ],
        "actions": [
            {
                "key": str(action.key),
                "title": action.title,
                "focus": action.focus,
                "risks": sorted(risk_labels.get(r.pk, "") for r in action.risks.all()),
                "responsible": sorted(o.name for o in action.responsible_organizations.all()),
                "partners": sorted(o.name for o in action.partner_organizations.all()),
                "start_date": _day(action.start_date),
                "end_date": _day(action.end_date),
                "budget": f"{action.budget:.2f}",
                "budget_source": action.budget_source,
                "indicator": action.indicator,
                "target": action.target,
            }
            for action in actions
        ],
    }


def _short(text, length=60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass
class ItemChange:
    """A risk or action that was added, removed or changed, with the fields that changed (old, new)."""

    kind: str  # "added" | "removed" | "changed"
    label: str
    fields: list = field(default_factory=list)


@dataclass
class PlanDiff:
    fields: list = field(default_factory=list)  # (label, old, new)
    risks: list = field(default_factory=list)  # ItemChange
    actions: list = field(default_factory=list)  # ItemChange

    @property
    def is_empty(self) -> bool:
        return not (self.fields or self.risks or self.actions)


def compare(old: dict, new: dict) -> PlanDiff:
    """What changed from snapshot `old` to snapshot `new`, in readable values."""
    areas = {area.code: area.name for area in ThematicArea.objects.all()}
    shown = _Shown(areas)
    diff = PlanDiff()
    for name, label in PLAN_FIELDS:
        before, after = old["fields"].get(name, ""), new["fields"].get(name, "")
        if before != after:
            diff.fields.append((label, before, after))
    diff.risks = _items(old["risks"], new["risks"], RISK_FIELDS, "description", shown)
    diff.actions = _items(old["actions"], new["actions"], ACTION_FIELDS, "title", shown)
    return diff


class _Shown:
    """Values as people read them: thematic direction and focus names, lists joined."""

    def __init__(self, areas):
        self.areas = areas

    def __call__(self, name, value):
        if name == "thematic_area":
            return self.areas.get(value, value)
        if name == "focus":
            return PlanFocus(value).label if value in PlanFocus.values else value
        if isinstance(value, list):
            return "; ".join(value)
        return "" if value is None else str(value)


def _items(old_items, new_items, fields, title_field, shown) -> list[ItemChange]:
    before = {item["key"]: item for item in old_items}
    after = {item["key"]: item for item in new_items}
    changes = []
    for key, item in after.items():
        label = _short(item[title_field], 90)
        if key not in before:
            changes.append(
                ItemChange(
                    "added",
                    label,
                    [(flabel, "", shown(n, item.get(n))) for n, flabel in fields if item.get(n) not in ("", [], None)],
                )
            )
            continue
        differing = [
            (flabel, shown(n, before[key].get(n)), shown(n, item.get(n)))
            for n, flabel in fields
            if before[key].get(n) != item.get(n)
        ]
        if differing:
            changes.append(ItemChange("changed", label, differing))
    for key, item in before.items():
        if key not in after:
            changes.append(ItemChange("removed", _short(item[title_field], 90)))
    return changes


def baseline_for(plan, newer=None):
    """The last reviewed snapshot to compare `newer` (a snapshot, or None for the current content) with: the
    plan's own last reviewed submission before it, or else the previous version's approved one."""
    reviewed = plan.snapshots.filter(reviewed_at__isnull=False)
    if newer is not None:
        reviewed = reviewed.filter(number__lt=newer.number)
    last = reviewed.order_by("-number").first()
    if last is None and plan.previous_version_id:
        last = plan.previous_version.snapshots.filter(reviewed_at__isnull=False).order_by("-number").first()
    return last
