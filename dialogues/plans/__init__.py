"""Conflict-prevention action plans (DESIGN.md §3), in the `dialogues` app: models, forms, views and urls (under
/<lang>/plans/), `workflow` (the one module that moves a plan), `diff` (a version against the last reviewed one),
`pdf` (the printable plan) and `seed` (the demo plans)."""
