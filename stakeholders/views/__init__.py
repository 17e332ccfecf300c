"""Pages of the stakeholder registry: `registry` (organizations, people) and `assessments` (capacity)."""
