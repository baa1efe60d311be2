"""When satellites pass over places: ground sites and passes (rise, culmination, set).

Public surface: ``GroundSite``, ``AzimuthMask``, ``MaskInterpolation``, ``parse_site_spec``,
``ground_site_from_spaceport`` (from ``observe.ground``), ``find_passes`` and ``PASS_COLUMNS``
(from ``observe.passes``). Conventions and the search's guarantee: docs/passes.md.
"""

from .ground import AzimuthMask, GroundSite, MaskInterpolation, ground_site_from_spaceport, parse_site_spec
from .passes import PASS_COLUMNS, find_passes

__all__ = ["AzimuthMask", "GroundSite", "MaskInterpolation", "PASS_COLUMNS", "find_passes",
           "ground_site_from_spaceport", "parse_site_spec"]
