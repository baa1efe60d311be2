"""Orbits: records, propagators (SGP4, two-body, J2 secular, numerical), element conversions, TLE fit."""
