"""Small hooks through which later apps show their data on the core's pages, without the core importing them.

`site_figures`: functions `(user, site) -> list[Figure]` whose figures the site page shows —
counts only, already scoped by the providing app's own access rules.
"""

from dataclasses import dataclass


@dataclass
class Figure:
    label: str
    value: int
    url: str = ""


site_figures = []


def register_site_figures(provider):
    site_figures.append(provider)
    return provider


def figures_for_site(user, site) -> list[Figure]:
    return [figure for provider in site_figures for figure in provider(user, site)]
