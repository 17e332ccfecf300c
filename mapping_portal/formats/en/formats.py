"""The same formats as Kyrgyz: dd.mm.yyyy and a space between thousands in every language."""

from mapping_portal.formats.ky.formats import *  # noqa: F403
