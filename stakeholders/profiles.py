"""Sections of a person's profile that later apps add (their grant applications, …) without this app knowing them.

Each app registers a provider — `provider(user, person)` returning a `PersonSection` (a title and its items) or
None when the user may see nothing of it — on `mapping_portal.hooks.person_sections`, in its `hooks.py`. A provider
fetches its items in a fixed number of queries, whatever the person's records: the profile's query count stays
constant.
"""

from dataclasses import dataclass
from typing import NamedTuple


@dataclass
class SectionItem:
    title: str
    detail: str = ""
    url: str = ""


class PersonSection(NamedTuple):
    title: str
    items: list[SectionItem]
