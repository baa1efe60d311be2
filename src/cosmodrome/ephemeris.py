"""Sun and Moon positions from analytic series that need no data files.

- Sun: ERFA ``epv00``, the simplified VSOP2000 solution of Moisson & Bretagnon (2001) for the
  Earth's heliocentric position; the geocentric Sun is its negative. ERFA states, against JPL
  DE405 over 1900-2100: heliocentric position error 3.7 km RMS, 11.2 km at worst (0.015 arcsec in
  direction), about twice that by 1800 and 2200.
- Moon: ERFA ``moon98``, Meeus (Astronomical Algorithms, 2nd ed., 1998, ch. 47; ELP-2000/82
  truncated). ERFA states, against ELP/MPP02 over 1950-2100: 6.1 km RMS and 31.7 km at worst in
  position, 2.9 arcsec RMS and 18.3 arcsec at worst in direction.

Both are geometric positions (no light-time, no aberration) of the body's centre relative to the
Earth's centre, on GCRS axes, in metres. Light time would move the Sun by about 7 km and the
Moon by about 1.3 km, less than the series' own errors; the ~1e-8 relative scale difference
between BCRS and GCRS coordinates is neglected for the same reason. Checked against JPL DE430 and
DE441 through Skyfield in tests/test_ephemeris.py.
"""

from __future__ import annotations

import warnings

import erfa
import numpy as np

from .time import Time, warn_data_range

AU_M = 149597870700.0  # IAU 2012 Resolution B2
_JD_1900 = 2415020.5
_JD_2100 = 2488069.5


def _check_range(jd1, jd2) -> None:
    jd = np.asarray(jd1) + np.asarray(jd2)
    if np.any((jd < _JD_1900) | (jd > _JD_2100)):
        warn_data_range("Sun/Moon position outside 1900-2100, where the accuracy of the ERFA epv00 and moon98 "
              "series is stated: errors grow to about twice the stated values by 1800 and 2200, "
              "tenfold by 1500 and 2500.")


def sun_position_gcrs_m(time: Time) -> np.ndarray:
    """Geocentric position (m) of the Sun on GCRS axes at each instant: shape (*time.shape, 3).

    Model: ERFA epv00 (VSOP2000 simplified) at TDB; geometric. Error under 11.2 km (1900-2100).
    """
    tdb1, tdb2 = time.tdb_jd
    _check_range(tdb1, tdb2)
    with warnings.catch_warnings():
        # epv00 flags dates outside 1900-2100; _check_range has already said so in our own words.
        warnings.simplefilter("ignore", erfa.ErfaWarning)
        heliocentric_earth, _ = erfa.epv00(tdb1, tdb2)
    return -heliocentric_earth["p"] * AU_M


def moon_position_gcrs_m(time: Time) -> np.ndarray:
    """Geocentric position (m) of the Moon on GCRS axes at each instant: shape (*time.shape, 3).

    Model: ERFA moon98 (Meeus 1998) at TT; geometric. Error 6.1 km RMS, 31.7 km worst (1950-2100).
    """
    tt1, tt2 = time.tt_jd
    _check_range(tt1, tt2)
    return erfa.moon98(tt1, tt2)["p"] * AU_M
