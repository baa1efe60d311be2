"""Thermospheric mass density for drag, tabulated once per run from a named model.

Models (`DensityModel`):
- ``NRLMSIS21``: NRLMSIS 2.1 (Emmert et al. (2022), "NRLMSIS 2.1: an empirical model of nitric oxide
  incorporated into MSIS", J. Geophys. Res. Space Physics 127, e2022JA030896), through the
  maintained `pymsis` package (the model's own Fortran code and parameter file, shipped in the
  wheel). Driven by space weather given as input (`SpaceWeather`: daily F10.7 of the previous day,
  81-day centred F10.7 average, daily Ap); nothing is fetched. Chosen over Harris-Priester or a
  Jacchia-type model because the MSIS family is what ECSS-E-ST-10-04C (2008), section 7.2.1,
  prescribes (NRLMSISE-00, of which 2.1 is the maintained successor), it responds to F10.7 and
  Ap, covers 0 to 1000 km, and needs no coefficients typed in by hand.
- ``US1976``: the US Standard Atmosphere 1976 (`cosmodrome.earth.atmosphere.us1976`), which has no
  solar-activity, latitude or local-time dependence; for textbook comparisons.

Tabulation: calling MSIS at every derivative evaluation would cost more than the whole orbit
integration, so the natural logarithm of the density is tabulated once per run on a regular grid

    height above the WGS-84 ellipsoid: 80 to 1000 km every 4 km,
    geodetic latitude: -90 to 90 deg every 10 deg,
    local solar time: 0 to 24 h every 1 h (periodic),
    time: one table per 5 days of the run, at the middle of each piece,

and interpolated linearly (multilinear in ln rho). Against NRLMSIS 2.1 called directly, the
table is within 1.9 % below 250 km and 2.3 % above (RMS 0.6 % and 0.5 %; the latitude and
local-time steps dominate up high), tests/earth/test_density.py. Empirical density models
themselves are uncertain by 15-20 % (1 sigma) against drag-derived densities (Bowman et al. (2008),
AIAA 2008-6438, introduction).
At a fixed local solar time MSIS still depends weakly on longitude (through universal time and
magnetic coordinates); the table keeps the longitude that the local time implies at the table's
epoch. Above 1000 km and below 80 km ln rho is extrapolated linearly in height from the last
interval (an exponential atmosphere; below 0 m it is held at its 0 m value); drag there is
negligible or the satellite has re-entered.

Units: SI (kg/m^3, m, rad) except the space-weather indices (F10.7 in solar flux units, Ap
as the index itself, in units of 2 nT) and local solar time in hours.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from enum import Enum

import numpy as np

from ..errors import InvalidInputError
from ..time import DataRangeWarning, Time
from .atmosphere import us1976

TABLE_HEIGHT_MIN_M = 80e3
TABLE_HEIGHT_MAX_M = 1000e3
TABLE_HEIGHT_STEP_M = 4e3
TABLE_LATITUDE_STEP_DEG = 10.0
TABLE_LOCAL_TIME_STEP_H = 1.0
TABLE_TIME_SPACING_S = 5.0 * 86400.0


class DensityModel(str, Enum):
    """Which atmosphere gives the drag density."""

    NRLMSIS21 = "nrlmsis2.1"
    US1976 = "us1976"


@dataclass(frozen=True)
class SpaceWeather:
    """Solar and geomagnetic activity held constant over a run.

    ``f107_sfu``: daily 10.7 cm solar radio flux of the previous day (solar flux units,
    1e-22 W m^-2 Hz^-1); ``f107_average_sfu``: its 81-day centred average; ``ap``: daily planetary
    geomagnetic index Ap. The default is ECSS-E-ST-10-04C (2008), Table 6-3, "moderate" activity:
    F10.7 = F10.7avg = 140 sfu, Ap = 15.
    """

    f107_sfu: float = 140.0
    f107_average_sfu: float = 140.0
    ap: float = 15.0

    def __post_init__(self):
        for name, low, high in (("f107_sfu", 50.0, 400.0), ("f107_average_sfu", 50.0, 400.0),
                                ("ap", 0.0, 400.0)):
            value = getattr(self, name)
            if not (isinstance(value, (int, float, np.floating, np.integer))
                    and low <= float(value) <= high):
                raise InvalidInputError(
                    f"expected a number from {low:g} to {high:g}, got {value!r}",
                    source="space weather", field=name)
            object.__setattr__(self, name, float(value))

    @classmethod
    def low(cls) -> "SpaceWeather":
        """ECSS-E-ST-10-04C Table 6-3, low activity: F10.7 = F10.7avg = 65 sfu, Ap = 0."""
        return cls(65.0, 65.0, 0.0)

    @classmethod
    def moderate(cls) -> "SpaceWeather":
        """ECSS-E-ST-10-04C Table 6-3, moderate activity: F10.7 = F10.7avg = 140 sfu, Ap = 15."""
        return cls(140.0, 140.0, 15.0)

    @classmethod
    def high(cls) -> "SpaceWeather":
        """ECSS-E-ST-10-04C Table 6-3, high long-term activity: F10.7 = F10.7avg = 250 sfu, Ap = 45."""
        return cls(250.0, 250.0, 45.0)


@dataclass(frozen=True, eq=False)
class DensityTable:
    """ln(density / (kg/m^3)) on a regular grid; see the module docstring.

    ``log_density`` has shape (n_time, n_local_time, n_latitude, n_height). An axis of length 1
    means no dependence on that variable (US 1976 has only the height axis). ``time_start_s`` is
    the time of the first table in seconds from ``reference``; tables follow every
    ``time_step_s``. With ``time_period_s`` > 0 the tables repeat with that period (the last
    table is a copy of the first, one period later); otherwise the first and last tables hold
    before and after the tabulated span. Local solar time runs from 0 h with ``local_time_step_h``; the last row
    repeats the first (24 h = 0 h) so that interpolation needs no wrap. Latitude runs from -90 deg.
    """

    model: DensityModel
    space_weather: SpaceWeather | None
    reference: Time
    time_start_s: float
    time_step_s: float
    local_time_step_h: float
    latitude_step_rad: float
    height_min_m: float
    height_step_m: float
    log_density: np.ndarray
    time_period_s: float = 0.0

    def __post_init__(self):
        self.log_density.setflags(write=False)


def _time_nodes_s(start_s: float, end_s: float) -> np.ndarray:
    """Middles of the 5-day pieces of [start_s, end_s] (one node for a run of 5 days or less)."""
    span = abs(end_s - start_s)
    count = max(1, int(math.ceil(span / TABLE_TIME_SPACING_S - 1e-9)))
    piece = (end_s - start_s) / count
    return start_s + piece * (np.arange(count) + 0.5)


def density_table(model: DensityModel, reference: Time, *, start_s: float = 0.0,
                  end_s: float = 0.0, space_weather: SpaceWeather | None = None,
                  height_max_m: float = TABLE_HEIGHT_MAX_M,
                  height_min_m: float = TABLE_HEIGHT_MIN_M) -> DensityTable:
    """Tabulate ``model`` for a run from ``start_s`` to ``end_s`` seconds after ``reference``.

    ``space_weather`` drives NRLMSIS 2.1 (default `SpaceWeather()`, moderate activity); US 1976
    ignores it. ``height_min_m`` and ``height_max_m`` (within 80-1000 km, put on the 4 km grid)
    narrow the table for a run that stays between them (the cost is proportional to the heights
    tabulated); outside the table ln rho is extrapolated linearly. Raises InvalidInputError for
    an unknown model or when `pymsis` is not installed.
    """
    model = DensityModel(model)
    top_m = min(max(float(height_max_m), TABLE_HEIGHT_MIN_M + TABLE_HEIGHT_STEP_M), TABLE_HEIGHT_MAX_M)
    first = int(math.floor((min(max(float(height_min_m), TABLE_HEIGHT_MIN_M), top_m - TABLE_HEIGHT_STEP_M)
                            - TABLE_HEIGHT_MIN_M) / TABLE_HEIGHT_STEP_M + 1e-9))
    last = int(math.ceil((top_m - TABLE_HEIGHT_MIN_M) / TABLE_HEIGHT_STEP_M - 1e-9))
    heights_m = TABLE_HEIGHT_MIN_M + TABLE_HEIGHT_STEP_M * np.arange(first, last + 1)
    if model is DensityModel.US1976:
        rho = us1976(heights_m)[2]
        log_rho = np.log(rho)[None, None, None, :]
        return DensityTable(model, None, reference, 0.0, 1.0, 24.0, math.pi, float(heights_m[0]),
                            TABLE_HEIGHT_STEP_M, np.ascontiguousarray(log_rho))
    weather = space_weather if space_weather is not None else SpaceWeather()
    nodes_s = _time_nodes_s(float(start_s), float(end_s))
    step_s = float(nodes_s[1] - nodes_s[0]) if len(nodes_s) > 1 else 1.0
    if step_s < 0.0:  # a backward run: store the nodes in increasing time
        nodes_s = nodes_s[::-1]
        step_s = -step_s
    local_times_h = np.arange(0.0, 24.0, TABLE_LOCAL_TIME_STEP_H)
    latitudes_deg = np.arange(-90.0, 90.0 + 1e-9, TABLE_LATITUDE_STEP_DEG)
    tables = np.empty((len(nodes_s), len(local_times_h) + 1, len(latitudes_deg), len(heights_m)))
    for k, node_s in enumerate(nodes_s):
        tables[k, :-1] = _msis_log_density(reference + float(node_s), weather, local_times_h,
                                           latitudes_deg, heights_m)
    tables[:, -1] = tables[:, 0]
    return DensityTable(model, weather, reference, float(nodes_s[0]), step_s,
                        TABLE_LOCAL_TIME_STEP_H, math.radians(TABLE_LATITUDE_STEP_DEG),
                        float(heights_m[0]), TABLE_HEIGHT_STEP_M, np.ascontiguousarray(tables))


def annual_density_table(model: DensityModel, reference: Time, *,
                         space_weather: SpaceWeather | None = None, tables_per_year: int = 12,
                         height_max_m: float = TABLE_HEIGHT_MAX_M) -> DensityTable:
    """A periodic table for runs of any length under constant space weather: with F10.7 and Ap
    held, NRLMSIS depends on time only through the day of the year (plus the small universal-time
    term at fixed local time), so ``tables_per_year`` tables over one year (365.25 days) starting at
    ``reference`` repeat every year. US 1976 gives its single table."""
    model = DensityModel(model)
    if model is DensityModel.US1976:
        return density_table(model, reference)
    year_s = 365.25 * 86400.0
    count = int(tables_per_year)
    if count < 1:
        raise InvalidInputError(f"expected at least 1 table per year, got {tables_per_year!r}",
                                field="tables_per_year")
    step_s = year_s / count
    pieces = [density_table(model, reference, start_s=k * step_s, end_s=k * step_s,
                            space_weather=space_weather, height_max_m=height_max_m)
              for k in range(count)]
    log_density = np.concatenate([p.log_density for p in pieces] + [pieces[0].log_density], axis=0)
    first = pieces[0]
    return DensityTable(model, first.space_weather, reference, 0.0, step_s, first.local_time_step_h,
                        first.latitude_step_rad, first.height_min_m, first.height_step_m,
                        np.ascontiguousarray(log_density), year_s)


def _msis_log_density(when: Time, weather: SpaceWeather, local_times_h, latitudes_deg, heights_m):
    """ln rho (n_local_time, n_latitude, n_height) from NRLMSIS 2.1 at one instant."""
    try:
        from pymsis import msis
    except ImportError:  # pragma: no cover - depends on the installation
        raise InvalidInputError(
            "density model NRLMSIS 2.1 needs the 'pymsis' package (pip install pymsis); "
            "use DensityModel.US1976 to run without it", field="density_model") from None
    with warnings.catch_warnings():
        # Past the leap-second table's expiry the UTC date is uncertain by 1 s, which does not
        # matter to a density; lifetimes run years past it, so the warning would only be noise.
        warnings.simplefilter("ignore", DataRangeWarning)
        y, mo, d, h, mi, s = (np.asarray(x).item() for x in when.utc_calendar(decimals=3))
    seconds = min(float(s), 59.999)  # a leap second is rounded into the minute for MSIS
    ut_h = h + mi / 60.0 + seconds / 3600.0
    date = np.datetime64(f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}", "ms") + \
        np.timedelta64(int(round(seconds * 1000)), "ms")
    # Local solar time = UT + longitude/15 (MSIS's own definition), so each local time is a longitude.
    longitudes_deg = np.mod(15.0 * (np.asarray(local_times_h) - ut_h), 360.0)
    out = msis.calculate(np.array([date]), longitudes_deg, np.asarray(latitudes_deg),
                         np.asarray(heights_m) / 1000.0, [weather.f107_sfu],
                         [weather.f107_average_sfu], [[weather.ap] * 7])
    rho = np.asarray(out)[0, :, :, :, 0]  # (lon, lat, height), total mass density kg/m^3
    with np.errstate(divide="ignore", invalid="ignore"):
        log_rho = np.log(rho)
    if not np.all(np.isfinite(log_rho)):
        raise InvalidInputError(
            f"NRLMSIS 2.1 returned a non-positive density for {weather}", field="space_weather")
    return log_rho


def density_kg_m3(table: DensityTable, time_s, height_m, latitude_rad, local_solar_time_h):
    """Density (kg/m^3) from ``table`` at ``time_s`` seconds after ``table.reference``, height
    above the WGS-84 ellipsoid (m), geodetic latitude (rad) and local solar time (h, any real:
    taken modulo 24). Arrays broadcast together. Multilinear interpolation of ln rho; linear
    extrapolation in height outside 80-1000 km (held at its 0 m value below 0 m); constant in
    time outside the tabulated span (periodic for a periodic table).
    Never raises; NaN in gives NaN out.
    """
    lt = table.log_density
    t, h, lat, lst = np.broadcast_arrays(np.asarray(time_s, dtype=float),
                                         np.asarray(height_m, dtype=float),
                                         np.asarray(latitude_rad, dtype=float),
                                         np.asarray(local_solar_time_h, dtype=float))
    with np.errstate(invalid="ignore"):
        x_t = np.nan_to_num((t - table.time_start_s) / table.time_step_s)
        if table.time_period_s > 0.0:
            x_t = np.mod(x_t, lt.shape[0] - 1.0)
        i_t, w_t = _axis(x_t, lt.shape[0], clamp=True)
        i_l, w_l = _axis(np.nan_to_num(np.mod(lst, 24.0) / table.local_time_step_h), lt.shape[1],
                         clamp=True)
        i_b, w_b = _axis(np.nan_to_num((lat + 0.5 * math.pi) / table.latitude_step_rad),
                         lt.shape[2], clamp=True)
        # Below the table the extrapolation is held at 0 m, so that a state deep inside the
        # Earth (never reached past the re-entry event) gives a large but finite density.
        x_h = np.maximum(np.nan_to_num((h - table.height_min_m) / table.height_step_m),
                         -table.height_min_m / table.height_step_m)
        i_h, w_h = _axis(x_h, lt.shape[3], clamp=False)
    total = np.zeros(t.shape)
    for dt_, ft in ((0, 1.0 - w_t), (1, w_t)):
        for dl, fl in ((0, 1.0 - w_l), (1, w_l)):
            for db, fb in ((0, 1.0 - w_b), (1, w_b)):
                for dh, fh in ((0, 1.0 - w_h), (1, w_h)):
                    value = lt[np.minimum(i_t + dt_, lt.shape[0] - 1),
                               np.minimum(i_l + dl, lt.shape[1] - 1),
                               np.minimum(i_b + db, lt.shape[2] - 1),
                               np.minimum(i_h + dh, lt.shape[3] - 1)]
                    total = total + ft * fl * fb * fh * value
    nan = np.isnan(t) | np.isnan(h) | np.isnan(lat) | np.isnan(lst)
    return np.where(nan, np.nan, np.exp(total))


def _axis(x, n, clamp):
    """Cell index (int array) and weight of fractional grid coordinate ``x`` on an axis of n nodes.

    ``clamp``: hold the end values outside the axis; otherwise extrapolate linearly from the end
    cells (weight outside [0, 1]).
    """
    if n == 1:
        return np.zeros(np.shape(x), dtype=np.intp), np.zeros(np.shape(x))
    if clamp:
        x = np.clip(x, 0.0, n - 1.0)
    i = np.clip(np.floor(x), 0, n - 2).astype(np.intp)
    return i, x - i
