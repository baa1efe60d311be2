"""Launch vehicles: records, the bundled catalogue, user vehicle files and the data audit."""

from .records import Aero, Allowances, Fairing, Stage, Vehicle

__all__ = ["Aero", "Allowances", "Fairing", "Stage", "Vehicle"]
