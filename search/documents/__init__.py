"""Mappings of the search indexes (elasticsearch-dsl documents). No logic: builders.py fills them,
indexes.py creates and swaps the indexes, queries.py searches them."""

from .decisions import DecisionDocument
from .demands import DemandDocument
from .ip import IPDocument
from .organisations import OrganisationDocument

__all__ = ["DecisionDocument", "DemandDocument", "IPDocument", "OrganisationDocument"]
