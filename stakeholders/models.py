"""Stakeholder registry: organizations, people, capacity assessments, import and duplicates (issues 4–6)."""
