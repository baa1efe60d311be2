"""What satellites see: ground sites, passes, imaging opportunities, eclipses, access and coverage.

Public surface below (``__all__``). Conventions: docs/passes.md, docs/sensors-and-eclipses.md,
docs/coverage.md and docs/coverage-metrics.md.
"""

from .access import AccessSpec, compute_access
from .coverage import CoverageResult, compute_coverage
from .eclipses import EarthShape, eclipse_seasons, find_eclipses
from .ground import AzimuthMask, GroundSite, MaskInterpolation, ground_site_from_spaceport, parse_site_spec
from .opportunities import find_imaging_opportunities, find_visibility_windows
from .passes import PASS_COLUMNS, find_passes
from .sensors import ObserverVisibility, Sensor

__all__ = ["AccessSpec", "AzimuthMask", "CoverageResult", "EarthShape", "GroundSite", "MaskInterpolation",
           "ObserverVisibility", "PASS_COLUMNS", "Sensor", "compute_access", "compute_coverage",
           "eclipse_seasons", "find_eclipses", "find_imaging_opportunities", "find_passes",
           "find_visibility_windows", "ground_site_from_spaceport", "parse_site_spec"]
