"""Dialogue platforms, events, attendance and conflict-prevention plans (issues 7–8)."""
