"""Sections of a person's profile that later apps add (their grant applications, …) without this app knowing them.

Each app registers a provider — `provider(user, person)` returning a `PersonSection` (a title and its items) or
None when the user may see nothing of it — through `register_person_section`, in its AppConfig.ready. A provider
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


PERSON_SECTIONS = []


def register_person_section(provider):
    PERSON_SECTIONS.append(provider)
    return provider


def unregister_person_section(provider):
    PERSON_SECTIONS.remove(provider)


def sections_for(user, person) -> list[PersonSection]:
    """Every provider's section the user may see, in the order the apps registered them."""
    sections = (provider(user, person) for provider in PERSON_SECTIONS)
    return [section for section in sections if section is not None]
