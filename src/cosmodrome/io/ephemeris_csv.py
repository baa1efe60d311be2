"""Writers for catalogue runs (``orbits.service.CatalogueEphemeris``): CSV, compact JSON and CCSDS OEM.

CSV: a header row, then one row per satellite and time, satellite by satellite::

    satellite,time_utc,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s,status        (TEME, GCRS, ITRS)
    satellite,time_utc,lat_deg,lon_deg,alt_km,status                         (geodetic)

``satellite`` is the catalogue number as an integer (Alpha-5 decoded: A0000 is 100000);
``time_utc`` is ISO 8601 ending in Z, 23:59:60 inside a leap second, to the millisecond (to the
microsecond when a time of the grid needs it); positions in km to 1e-6 (1 mm), velocities in km/s
to 1e-9 (1 um/s), latitude and longitude (east, -180 to 180) in degrees to 1e-9 (0.1 mm), altitude
above the WGS-84 ellipsoid in km to 1e-6; ``status`` is the ``Status`` name (``OK``, ``DECAYED``, ...),
and a row whose status is not OK has empty number fields.

Speed: numbers are formatted by array arithmetic, a block of rows at a time (digits from integer
division, pad bytes squeezed out at the end), and each time's text is made once per time, not per
row. Measured on the development machine (``bench/bench_propagate.py --write``): a 10,000 x 1,440
geodetic catalogue (1 GB of CSV) at 2.5 million rows per CPU second, Cartesian rows at about 2
million, 15 to 20 times the row-by-row Python formatting. The last digit is rounded from
value x 10^decimals in double precision, which can differ from the correctly rounded decimal by
one unit in about 1e-5 of the values (1 mm, 1 um/s); ``_reference_csv`` (plain Python ``%``
formatting, kept as the reference and tested against this) shows what is meant.

JSON (``write_ephemeris_json``): one object; times are listed once and each satellite carries its
rows as arrays in the order of ``columns`` (``null`` for a row with a non-OK status, whose status
code is then given in a ``status`` list for that satellite); see docs/file-formats.md.

OEM (``catalogue_oem``/``write_ephemeris_oem``): one segment per satellite through
``cosmodrome.io.ccsds`` (Cartesian frames only; rows with a non-OK status are left out and a
satellite with none left gets no segment; a COMMENT says so).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..errors import InvalidInputError
from ..frames import Frame
from ..orbits.propagator import Status
from ..orbits.service import CatalogueEphemeris, OutputFrame
from ..time import Time
from .ccsds import OemFile, OemSegment, ccsds_frame_name, format_oem

CARTESIAN_COLUMNS = ("x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s")
GEODETIC_COLUMNS = ("lat_deg", "lon_deg", "alt_km")
_CARTESIAN_DECIMALS = (6, 6, 6, 9, 9, 9)
_GEODETIC_DECIMALS = (9, 9, 6)
_BLOCK_ROWS = 16_384  # rows formatted at a time: the temporaries stay in cache (measured 35 ns/number)
_COMMA, _NEWLINE, _PAD = 44, 10, 0
_STATUS_NAMES = tuple(s.name for s in sorted(Status, key=int))


def columns(frame: OutputFrame) -> tuple[str, ...]:
    """The number columns of a frame (after satellite and time_utc, before status)."""
    return CARTESIAN_COLUMNS if OutputFrame(frame).is_cartesian else GEODETIC_COLUMNS


def csv_header(frame: OutputFrame) -> str:
    return ",".join(("satellite", "time_utc") + columns(frame) + ("status",))


# --- number formatting ----------------------------------------------------------------------------

def _byte_rows(texts) -> np.ndarray:
    """(n, W) uint8 of ASCII texts, left-aligned, padded with 0 bytes (squeezed out on writing)."""
    encoded = [t.encode("ascii") for t in texts]
    width = max([1] + [len(t) for t in encoded])
    out = np.zeros((len(encoded), width), dtype=np.uint8)
    for k, text in enumerate(encoded):
        out[k, :len(text)] = np.frombuffer(text, dtype=np.uint8)
    return out


def _fixed_point(values: np.ndarray, decimals: int) -> np.ndarray:
    """(n, W) uint8: each value as fixed-point text with ``decimals`` decimals, right-aligned, 0-padded.

    NaN (and infinities) give an empty field. '-' only in front of a value that does not round to
    zero. Raises InvalidInputError for a magnitude beyond 9e15 units of the last decimal.
    """
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    finite = np.isfinite(values)
    units_f = np.rint(np.where(finite, np.abs(values), 0.0) * (10.0 ** decimals))
    if n and units_f.max() >= 9e15:
        raise InvalidInputError(f"value {values[np.argmax(units_f)]!r} too large to write with {decimals} decimals")
    units = units_f.astype(np.int64)
    scale = np.int64(10 ** decimals)
    integer = units // scale
    fraction = units - integer * scale
    n_int = len(str(int(integer.max()))) if n else 1
    dot = 1 if decimals else 0
    width = 1 + n_int + dot + decimals
    out = np.zeros((n, width), dtype=np.uint8)
    rest = fraction
    for j in range(decimals):
        quotient = rest // 10
        out[:, width - 1 - j] = rest - quotient * 10 + 48
        rest = quotient
    if decimals:
        out[:, width - 1 - decimals] = 46  # '.'
    units_column = width - 1 - decimals - dot
    digits = np.ones(n, dtype=np.int64)
    rest = integer
    for j in range(n_int):
        quotient = rest // 10
        digit = rest - quotient * 10 + 48
        if j == 0:
            out[:, units_column] = digit
        else:
            present = rest > 0
            out[:, units_column - j] = np.where(present, digit, _PAD)
            digits += present
        rest = quotient
    negative = np.flatnonzero((values < 0) & (units != 0))
    out[negative, units_column - digits[negative]] = 45  # '-'
    out[~finite] = _PAD
    return out


def _integers(values) -> np.ndarray:
    return _fixed_point(np.asarray(values, dtype=float), 0)


def _squeeze(block: np.ndarray) -> bytes:
    return block[block != _PAD].tobytes()


# --- the pieces every writer shares ---------------------------------------------------------------

def _time_decimals(times: Time) -> int:
    """3 (milliseconds) unless some time of the grid is not on the millisecond, then 6."""
    seconds = np.atleast_1d(times.utc_calendar(decimals=6)[5])
    return 3 if np.all(np.abs(seconds * 1e3 - np.round(seconds * 1e3)) < 1e-6) else 6


def _values(result: CatalogueEphemeris, first: int, stop: int) -> list[np.ndarray]:
    """The number columns of satellites first..stop-1, each (stop - first, n_time), in file units."""
    if result.frame.is_cartesian:
        r = result.position_m[first:stop] / 1e3
        v = result.velocity_m_s[first:stop] / 1e3
        return [r[..., 0], r[..., 1], r[..., 2], v[..., 0], v[..., 1], v[..., 2]]
    return [np.degrees(result.latitude_rad[first:stop]), np.degrees(result.longitude_rad[first:stop]),
            result.height_m[first:stop] / 1e3]


def _decimals(frame: OutputFrame):
    return _CARTESIAN_DECIMALS if frame.is_cartesian else _GEODETIC_DECIMALS


def _open(target):
    """(binary stream, whether we opened it) for a path or a text/binary stream."""
    if isinstance(target, (str, os.PathLike)):
        try:
            return open(target, "wb"), True
        except OSError as error:
            raise InvalidInputError(f"cannot write the file: {error.strerror or error}", source=str(target)) from None
    if isinstance(target, io.TextIOBase) or hasattr(target, "encoding"):
        target.flush()
        return target.buffer, False
    return target, False


def _satellite_blocks(result: CatalogueEphemeris):
    """(first, stop) satellite ranges of about _BLOCK_ROWS rows each."""
    per_block = max(1, _BLOCK_ROWS // max(1, result.n_times))
    return [(s, min(result.n_satellites, s + per_block)) for s in range(0, result.n_satellites, per_block)]


# --- CSV ------------------------------------------------------------------------------------------

def write_ephemeris_csv(result: CatalogueEphemeris, target, *, time_decimals: int | None = None,
                        progress: Callable[[int], None] | None = None) -> None:
    """Write the CSV (module docstring) to a path or an open stream (binary or text).

    ``progress`` is called with the number of satellites written after each block.
    """
    _check(result)
    stream, owned = _open(target)
    try:
        stream.write((csv_header(result.frame) + "\n").encode("ascii"))
        decimals = _time_decimals(result.times) if time_decimals is None else time_decimals
        time_text = _byte_rows(np.atleast_1d(result.times.utc_iso(decimals=decimals)))
        id_text = _integers(result.satellite_ids)
        status_text = _byte_rows(_STATUS_NAMES)
        n_time = result.n_times
        for first, stop in _satellite_blocks(result):
            k = stop - first
            parts = [np.repeat(id_text[first:stop], n_time, axis=0), _column(_COMMA, k * n_time),
                     np.tile(time_text, (k, 1))]
            for values, places in zip(_values(result, first, stop), _decimals(result.frame)):
                parts += [_column(_COMMA, k * n_time), _fixed_point(values.ravel(), places)]
            status = np.asarray(result.status[first:stop], dtype=np.int64).ravel()
            parts += [_column(_COMMA, k * n_time), status_text[status], _column(_NEWLINE, k * n_time)]
            stream.write(_squeeze(np.hstack(parts)))
            if progress is not None:
                progress(k)
    finally:
        if owned:
            stream.close()
        else:
            stream.flush()


def format_ephemeris_csv(result: CatalogueEphemeris, **options) -> str:
    """The CSV as text (for small runs; ``write_ephemeris_csv`` streams large ones)."""
    buffer = io.BytesIO()
    write_ephemeris_csv(result, buffer, **options)
    return buffer.getvalue().decode("ascii")


def _column(byte: int, n: int) -> np.ndarray:
    return np.full((n, 1), byte, dtype=np.uint8)


def _reference_csv(result: CatalogueEphemeris, time_decimals: int | None = None) -> str:
    """The same CSV by plain Python formatting, row by row: the reference the fast writer is tested on."""
    decimals = _time_decimals(result.times) if time_decimals is None else time_decimals
    times = [str(t) for t in np.atleast_1d(result.times.utc_iso(decimals=decimals))]
    lines = [csv_header(result.frame)]
    places = _decimals(result.frame)
    for k, identity in enumerate(result.satellites):
        values = _values(result, k, k + 1)
        for j, text in enumerate(times):
            fields = []
            for column, d in zip(values, places):
                x = float(column[0, j])
                field = "" if not np.isfinite(x) else f"{x:.{d}f}"
                fields.append(field[1:] if field.startswith("-") and float(field) == 0.0 else field)
            status = Status(int(result.status[k, j])).name
            lines.append(",".join([str(identity.catalogue_number), text, *fields, status]))
    return "\n".join(lines) + "\n"


# --- JSON -----------------------------------------------------------------------------------------

JSON_FORMAT = "cosmodrome-catalogue-ephemeris"
JSON_VERSION = 1


def write_ephemeris_json(result: CatalogueEphemeris, target, *, time_decimals: int | None = None,
                         progress: Callable[[int], None] | None = None) -> None:
    """Write the compact JSON form (docs/file-formats.md) to a path or an open stream."""
    _check(result)
    decimals = _time_decimals(result.times) if time_decimals is None else time_decimals
    times = [str(t) for t in np.atleast_1d(result.times.utc_iso(decimals=decimals))]
    # (rounded to the microsecond: the two-part dates give the grid's step to ~1e-12 s)
    step = round(float(result.times[1] - result.times[0]), 6) if result.n_times > 1 else 0.0
    head = {
        "format": JSON_FORMAT, "version": JSON_VERSION,
        "frame": result.frame.name, "model": result.model, "time_scale": "UTC",
        "columns": list(columns(result.frame)),
        "start_utc": times[0], "step_s": step, "times_utc": times,
        "status_codes": {str(int(s)): s.name for s in Status},
        "failures": [{"satellite": f.catalogue_number, "status": f.status.name,
                      "first_time_utc": f.first_time_utc} for f in result.failures],
        "stale_element_sets": [{"satellite": s.catalogue_number, "days_from_epoch": round(s.days_from_epoch, 3)}
                               for s in result.stale_element_sets],
        "warnings": list(result.notes),
    }
    stream, owned = _open(target)
    try:
        text = json.dumps(head, separators=(",", ":"), ensure_ascii=True)
        stream.write((text[:-1] + ',"satellites":[').encode("ascii"))
        n_time = result.n_times
        null = np.frombuffer(b"null", dtype=np.uint8)
        first_satellite = True
        for first, stop in _satellite_blocks(result):
            k = stop - first
            status = np.asarray(result.status[first:stop])
            parts = [_column(91, k * n_time)]  # '['
            for m, (values, places) in enumerate(zip(_values(result, first, stop), _decimals(result.frame))):
                if m:
                    parts.append(_column(_COMMA, k * n_time))
                parts.append(_fixed_point(values.ravel(), places))
            parts.append(_column(93, k * n_time))  # ']'
            rows = np.hstack(parts)
            bad = status.ravel() != 0
            rows[bad] = _PAD
            rows[bad, :4] = null
            rows = np.hstack([rows, _column(_COMMA, k * n_time)]).reshape(k, n_time, -1)
            rows[:, -1, -1] = _PAD  # no comma after a satellite's last row
            chunks = []
            for j in range(k):
                identity = result.satellites[first + j]
                entry = {"satellite": identity.catalogue_number, "name": identity.name,
                         "international_designator": identity.international_designator}
                if np.any(status[j]):
                    entry["status"] = [int(s) for s in status[j]]
                opening = json.dumps(entry, separators=(",", ":"), ensure_ascii=True)[:-1] + ',"states":['
                chunks.append(("" if first_satellite else ",\n") + opening)
                first_satellite = False
                chunks.append(_squeeze(rows[j]).decode("ascii") + "]}")
            stream.write("".join(chunks).encode("ascii"))
            if progress is not None:
                progress(k)
        stream.write(b"]}\n")
    finally:
        if owned:
            stream.close()
        else:
            stream.flush()


def format_ephemeris_json(result: CatalogueEphemeris, **options) -> str:
    buffer = io.BytesIO()
    write_ephemeris_json(result, buffer, **options)
    return buffer.getvalue().decode("ascii")


# --- OEM ------------------------------------------------------------------------------------------

_OEM_FRAMES = {OutputFrame.TEME: Frame.TEME, OutputFrame.GCRS: Frame.GCRS, OutputFrame.ITRS: Frame.ITRS}


def _token(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text if text and text.isascii() and text.isprintable() else None


def catalogue_oem(result: CatalogueEphemeris, *, originator: str = "COSMODROME",
                  creation_date: Time | None = None) -> OemFile:
    """An ``OemFile`` with one segment per satellite (its OK rows), REF_FRAME from the run's frame.

    OBJECT_NAME is the satellite's name (else its catalogue number), OBJECT_ID its COSPAR ID (else
    its catalogue number). Raises InvalidInputError for a geodetic run (OEM holds Cartesian states)
    or when no satellite has a single OK row.
    """
    _check(result)
    if not result.frame.is_cartesian:
        raise InvalidInputError("an OEM holds Cartesian states: choose the frame teme, gcrs or itrs, or the "
                                "csv or json format for geodetic coordinates", field="frame")
    ref_frame = ccsds_frame_name(_OEM_FRAMES[result.frame])
    segments, left_out = [], []
    for k, identity in enumerate(result.satellites):
        ok = np.flatnonzero(result.status[k] == 0)
        if ok.size == 0:
            left_out.append(str(identity.catalogue_number))
            continue
        comments = []
        if ok.size < result.n_times:
            first_bad = int(np.argmax(result.status[k] != 0))
            comments.append(f"{result.n_times - ok.size} of {result.n_times} epochs left out: status "
                            f"{Status(int(result.status[k, first_bad])).name} from "
                            f"{result.times[first_bad].utc_iso()}")
        number = str(identity.catalogue_number)
        segments.append(OemSegment(
            object_name=_token(identity.name) or number,
            object_id=_token(identity.international_designator) or number,
            center_name="EARTH", ref_frame=ref_frame, time_system="UTC", times=result.times[ok],
            position_m=result.position_m[k, ok], velocity_m_s=result.velocity_m_s[k, ok],
            comments=tuple(comments)))
    if not segments:
        raise InvalidInputError("no satellite has a single state to write (every row failed)")
    header = [f"Cosmodrome catalogue run: {result.model}"[:400]]
    if left_out:
        header.append(f"No segment for satellites without a state: {', '.join(left_out[:50])}"
                      + (f" and {len(left_out) - 50} more" if len(left_out) > 50 else ""))
    return OemFile(tuple(segments), originator=originator, creation_date=creation_date, comments=tuple(header))


def write_ephemeris_oem(result: CatalogueEphemeris, target, *, creation_date: Time | None = None,
                        progress: Callable[[int], None] | None = None) -> None:
    """Write ``catalogue_oem(result)`` as OEM KVN to a path or an open stream."""
    oem = catalogue_oem(result, creation_date=creation_date)
    if isinstance(target, (str, os.PathLike)):
        from .ccsds import write_oem
        write_oem(oem, Path(target))
    else:
        stream, _ = _open(target)
        stream.write(format_oem(oem).encode("ascii"))
        stream.flush()
    if progress is not None:
        progress(result.n_satellites)


def _check(result) -> None:
    if not isinstance(result, CatalogueEphemeris):
        raise InvalidInputError(f"expected a CatalogueEphemeris (orbits.service), got {type(result).__name__}")
