"""Two-line element sets (TLE, and 3LE with a name line): reader, writer, Alpha-5 numbers.

The column layout is the one of the NORAD two-line element set (Hoots & Roehrich, Spacetrack
Report #3, and CelesTrak's "NORAD Two-Line Element Set Format"); columns below are 1-based::

    line 1: 1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNN
            catalogue number (3-7), classification (8), international designator (10-17),
            epoch year and day of year (19-32), ndot/2 (34-43), nddot/6 (45-52), B* (54-61),
            ephemeris type (63), element set number (65-68), checksum (69)
    line 2: 2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN
            catalogue number (3-7), inclination (9-16), RAAN (18-25), eccentricity with an
            implied leading decimal point (27-33), argument of perigee (35-42), mean anomaly
            (44-51), mean motion in rev/day (53-63), revolution number (64-68), checksum (69)

The ``sgp4`` package's parser accepts broken lines silently, so every line is checked here first:
ASCII only, the fixed columns, the modulo-10 checksum (digits count their value, each '-' counts 1,
everything else 0, over columns 1-68), the ranges of the values, and the same catalogue number on
both lines. Errors name the file, the line and the columns, and show the expected layout above the
line received.

Alpha-5 (Space Force, 2020s): catalogue numbers 100000-339999 are written as a letter and four
digits, A0000 = 100000 ... Z9999 = 339999; the letters I and O are not used. Larger numbers do not fit
a TLE at all: use OMM (``cosmodrome.io.omm``).

Verification mode reads Vallado's ``SGP4-VER.TLE`` (shipped in the ``sgp4`` package): '#' comment
lines, line 2s that carry start, stop and step minutes after column 69, and a few deliberately wrong
checksums, which are reported per case instead of refused.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import erfa

from ..errors import InvalidInputError
from ..orbits.gp import MeanElementsGP, utc_day_split
from ..time import Time

LINE1_LAYOUT = "1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNN"
LINE2_LAYOUT = "2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN"
TLE_LINE_LENGTH = 69

ALPHA5_MAX = 339999
_ALPHA5_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # 24 letters: no I, no O

# Fields: (name, first column, last column, pattern, what is expected). Columns are 1-based.
_Field = tuple[str, int, int, str, str]
_LINE1_FIELDS: tuple[_Field, ...] = (
    ("line number", 1, 1, r"1", "'1'"),
    ("separator", 2, 2, r" ", "a blank"),
    ("catalogue number", 3, 7, r"[0-9]{5}| {1,4}[0-9]{1,4}|[A-HJ-NP-Z][0-9]{4}",
     "five digits, or Alpha-5 (a letter other than I or O, then four digits)"),
    ("classification", 8, 8, r"[UCS]", "U, C or S"),
    ("separator", 9, 9, r" ", "a blank"),
    ("international designator", 10, 17, r"[0-9]{5}[A-Z]{1,3} *| {8}",
     "launch year (2 digits), launch number (3 digits) and piece (1-3 letters), or blanks"),
    ("separator", 18, 18, r" ", "a blank"),
    ("epoch", 19, 32, r"[0-9]{2}[ 0-9]{2}[0-9]\.[0-9]{8}", "two-digit year and day of year, YYDDD.DDDDDDDD"),
    ("separator", 33, 33, r" ", "a blank"),
    ("mean motion derivative", 34, 43, r"[ +-]\.[0-9]{8}", "ndot/2 in rev/day^2 as +.NNNNNNNN"),
    ("separator", 44, 44, r" ", "a blank"),
    ("mean motion second derivative", 45, 52, r"[ +-][0-9]{5}[+-][0-9]",
     "nddot/6 as +NNNNN-N (mantissa with an implied leading decimal point, then the exponent)"),
    ("separator", 53, 53, r" ", "a blank"),
    ("bstar", 54, 61, r"[ +-][0-9]{5}[+-][0-9]",
     "B* as +NNNNN-N (mantissa with an implied leading decimal point, then the exponent)"),
    ("separator", 62, 62, r" ", "a blank"),
    ("ephemeris type", 63, 63, r"[0-9 ]", "one digit (0 for published element sets)"),
    ("separator", 64, 64, r" ", "a blank"),
    ("element set number", 65, 68, r" *[0-9]*", "up to four digits, right-aligned"),
    ("checksum", 69, 69, r"[0-9]", "one digit"),
)
_LINE2_FIELDS: tuple[_Field, ...] = (
    ("line number", 1, 1, r"2", "'2'"),
    ("separator", 2, 2, r" ", "a blank"),
    ("catalogue number", 3, 7, r"[0-9]{5}| {1,4}[0-9]{1,4}|[A-HJ-NP-Z][0-9]{4}",
     "five digits, or Alpha-5 (a letter other than I or O, then four digits)"),
    ("separator", 8, 8, r" ", "a blank"),
    ("inclination", 9, 16, r" *[0-9]{1,3}\.[0-9]{4}", "degrees as NNN.NNNN"),
    ("separator", 17, 17, r" ", "a blank"),
    ("right ascension of the ascending node", 18, 25, r" *[0-9]{1,3}\.[0-9]{4}", "degrees as NNN.NNNN"),
    ("separator", 26, 26, r" ", "a blank"),
    ("eccentricity", 27, 33, r" *[0-9]+", "seven digits with an implied leading decimal point"),
    ("separator", 34, 34, r" ", "a blank"),
    ("argument of perigee", 35, 42, r" *[0-9]{1,3}\.[0-9]{4}", "degrees as NNN.NNNN"),
    ("separator", 43, 43, r" ", "a blank"),
    ("mean anomaly", 44, 51, r" *[0-9]{1,3}\.[0-9]{4}", "degrees as NNN.NNNN"),
    ("separator", 52, 52, r" ", "a blank"),
    ("mean motion", 53, 63, r" *[0-9]{1,2}\.[0-9]{8}", "rev/day as NN.NNNNNNNN"),
    ("revolution number", 64, 68, r" *[0-9]*", "up to five digits, right-aligned"),
    ("checksum", 69, 69, r"[0-9]", "one digit"),
)
_COMPILED = {id(f): re.compile(f[3], re.ASCII) for f in _LINE1_FIELDS + _LINE2_FIELDS}


@dataclass(frozen=True)
class VerificationTLE:
    """One case of Vallado's verification file: the elements and the run that the case asks for.

    ``start_min``, ``stop_min``, ``step_min`` are minutes from epoch (columns after 69 of line 2);
    ``line1_checksum_ok``/``line2_checksum_ok`` say whether the printed checksums are right (a few
    are deliberately wrong in ``SGP4-VER.TLE``). ``line1``/``line2`` are the 69-column lines.
    """

    elements: MeanElementsGP
    start_min: float
    stop_min: float
    step_min: float
    line1: str
    line2: str
    line_number: int
    line1_checksum_ok: bool
    line2_checksum_ok: bool


# --- Alpha-5 -------------------------------------------------------------------------------------
def encode_alpha5(catalogue_number: int) -> str:
    """The five TLE columns of a catalogue number: ``'25544'``, ``'A0000'`` (100000) ... ``'Z9999'`` (339999).

    Raises:
        InvalidInputError: for a negative number or one above 339999 (write OMM instead).
    """
    number = int(catalogue_number)
    if number < 0:
        raise InvalidInputError(f"expected a non-negative catalogue number, got {number}",
                                source="TLE", field="catalogue number")
    if number < 100000:
        return f"{number:05d}"
    if number > ALPHA5_MAX:
        raise InvalidInputError(
            f"catalogue number {number} does not fit the five columns of a TLE: Alpha-5 ends at "
            f"Z9999 = {ALPHA5_MAX}; write the elements as OMM instead (cosmodrome.io.omm, "
            f"format_omm_json or format_omm_kvn), which keeps catalogue numbers of any size",
            source="TLE", field="catalogue number")
    letter, rest = divmod(number, 10000)
    return f"{_ALPHA5_LETTERS[letter - 10]}{rest:04d}"


def decode_alpha5(text: str) -> int:
    """The catalogue number of five TLE columns: digits (leading blanks allowed) or Alpha-5.

    Raises:
        InvalidInputError: for anything else (I and O are not Alpha-5 letters; lower case is refused).
    """
    field = text.strip()
    if re.fullmatch(r"[0-9]{1,5}", field, re.ASCII):
        return int(field)
    if re.fullmatch(r"[A-Z][0-9]{4}", field, re.ASCII):
        if field[0] in "IO":
            raise InvalidInputError(
                f"expected Alpha-5 (A0000 = 100000 ... Z9999 = 339999), got {text!r}: the letters I "
                f"and O are not used in Alpha-5", source="TLE", field="catalogue number")
        return (_ALPHA5_LETTERS.index(field[0]) + 10) * 10000 + int(field[1:])
    raise InvalidInputError(
        f"expected five digits or Alpha-5 (a capital letter other than I or O, then four digits), "
        f"got {text!r}", source="TLE", field="catalogue number")


def tle_checksum(line: str) -> int:
    """Modulo-10 checksum of columns 1-68: digits count their value, '-' counts 1, others 0."""
    total = 0
    for char in line[:68]:
        if "0" <= char <= "9":
            total += ord(char) - 48
        elif char == "-":
            total += 1
    return total % 10


# --- reading -------------------------------------------------------------------------------------
def parse_tle(text: str, *, source: str = "<text>") -> list[MeanElementsGP]:
    """Mean elements of every TLE or 3LE in ``text`` (blank lines allowed; names optional).

    A name line (3LE line 0, with or without Space-Track's ``'0 '`` prefix) before a line 1 becomes
    the record's ``name``. Every line is validated (see the module docstring).

    Raises:
        InvalidInputError: naming ``source``, the line, the columns, what was expected and what came.
    """
    return [case[0] for case in _parse(text, source, verification=False)]


def read_tle(path: str | os.PathLike[str]) -> list[MeanElementsGP]:
    """Mean elements of every TLE or 3LE in a text file (see ``parse_tle``)."""
    text, source = _read_text(path)
    return parse_tle(text, source=source)


def parse_tle_verification(text: str, *, source: str = "<text>") -> list[VerificationTLE]:
    """Cases of a Vallado-style verification file: '#' comments, start/stop/step after column 69.

    Checksums are checked and reported in each case (not refused); everything else is validated
    as in ``parse_tle``.
    """
    cases = []
    for elements, extra, line1, line2, number, ok1, ok2 in _parse(text, source, verification=True):
        start, stop, step = extra
        cases.append(VerificationTLE(elements, start, stop, step, line1, line2, number, ok1, ok2))
    return cases


def read_tle_verification(path: str | os.PathLike[str] | None = None) -> list[VerificationTLE]:
    """Cases of a verification file; by default Vallado's ``SGP4-VER.TLE`` inside the ``sgp4`` package."""
    if path is None:
        resource = importlib.resources.files("sgp4") / "SGP4-VER.TLE"
        return parse_tle_verification(resource.read_text(encoding="ascii"), source="SGP4-VER.TLE")
    text, source = _read_text(path)
    return parse_tle_verification(text, source=source)


def parse_tle_lines(line1: str, line2: str, name: str | None = None, *,
                    source: str = "<text>") -> MeanElementsGP:
    """Mean elements of one TLE given as its two lines (and an optional name)."""
    for line in (line1, line2):
        if not isinstance(line, str) or "\n" in line or "\r" in line.rstrip("\r"):
            raise InvalidInputError(f"expected one line of text, got {line!r}", source=source)
    (elements,) = parse_tle(f"{line1}\n{line2}", source=source)
    if name is not None:
        try:
            elements = dataclasses.replace(elements, name=name.strip() or None)
        except InvalidInputError as error:
            raise InvalidInputError(str(error).split(": ", 1)[-1], source=source, field="name") from None
    return elements


def _read_text(path: str | os.PathLike[str]) -> tuple[str, str]:
    """(text, source name) of a file; bytes that are not UTF-8 survive as surrogates for the checks."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InvalidInputError("file not found", source=source) from None
    except OSError as error:
        raise InvalidInputError(f"cannot read the file: {error.strerror or error}", source=source) from None
    text = data.decode("utf-8", errors="surrogateescape")
    return text.removeprefix("\ufeff"), source


def _describe_char(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"byte 0x{code - 0xDC00:02X} (not UTF-8 text)"
    if code > 127:
        return f"non-ASCII character {char!r} (U+{code:04X})"
    return f"control character {char!r}"


def _shown(line: str) -> str:
    """The line as printable ASCII for a message (other characters become '?')."""
    shown = "".join(c if " " <= c <= "~" else "?" for c in line[:100])
    return shown + ("..." if len(line) > 100 else "")


def _layout_error(source: str, number: int, which: int, line: str, first: int, last: int,
                  field: str, expected: str, received: str | None = None) -> InvalidInputError:
    """An error for columns ``first``-``last`` of a TLE line, with the layout and a column marker."""
    layout = LINE1_LAYOUT if which == 1 else LINE2_LAYOUT
    columns = f"column {first}" if first == last else f"columns {first}-{last}"
    if received is None:
        received = f"got {line[first - 1:last]!r}"
    marker = " " * (first - 1) + "^" * max(1, min(last, max(len(line), first)) - first + 1)
    message = (f"line {number} (TLE line {which}), {columns}: expected {expected}, {received}\n"
               f"  expected: {layout}\n"
               f"  received: {_shown(line)}\n"
               f"            {marker}")
    return InvalidInputError(message, source=source, field=field)


def _check_characters(source: str, number: int, which: int, line: str) -> None:
    for index, char in enumerate(line):
        if not " " <= char <= "~":
            raise _layout_error(source, number, which, line, index + 1, index + 1, "character",
                                "plain ASCII (letters, digits, '.', '+', '-', blanks)",
                                f"got {_describe_char(char)}")


def _check_fields(source: str, number: int, which: int, line: str) -> None:
    fields = _LINE1_FIELDS if which == 1 else _LINE2_FIELDS
    for field in fields:
        name, first, last, _, expected = field
        text = line[first - 1:last]
        if not _COMPILED[id(field)].fullmatch(text):
            received = None
            if name == "catalogue number" and text[:1] in ("I", "O"):
                received = f"got {text!r}: the letters I and O are not used in Alpha-5"
            raise _layout_error(source, number, which, line, first, last, name, expected, received)


def _check_length(source: str, number: int, which: int, line: str, allow_extra: bool) -> None:
    if len(line) < TLE_LINE_LENGTH:
        raise _layout_error(
            source, number, which, line, len(line) + 1, TLE_LINE_LENGTH, "line length",
            f"{TLE_LINE_LENGTH} characters", f"got {len(line)}: the line is truncated")
    if len(line) > TLE_LINE_LENGTH and not allow_extra:
        raise _layout_error(
            source, number, which, line, TLE_LINE_LENGTH + 1, len(line), "line length",
            f"{TLE_LINE_LENGTH} characters (the checksum is column 69)",
            f"got {len(line)}, with {line[TLE_LINE_LENGTH:]!r} after the checksum")


def _checksum_ok(source: str, number: int, which: int, line: str, strict: bool) -> bool:
    computed = tle_checksum(line)
    if str(computed) == line[68]:
        return True
    if strict:
        raise _layout_error(
            source, number, which, line, 69, 69, "checksum",
            f"{computed}, the modulo-10 checksum of columns 1-68 (digits count their value, each "
            f"'-' counts 1)", f"got {line[68]!r}: the line is corrupted or was edited by hand")
    return False


def _implied_exponent(text: str) -> float:
    """Value of '+NNNNN-N' (implied leading decimal point); the arithmetic of twoline2rv."""
    sign = -1.0 if text[0] == "-" else 1.0
    return sign * float("0." + text[1:6]) * 10.0 ** int(text[6:8])


def _epoch(source: str, number: int, line: str) -> Time:
    two_digit_year = int(line[18:20])
    year = 1900 + two_digit_year if two_digit_year >= 57 else 2000 + two_digit_year
    day = int(line[20:23])
    fraction = float("0." + line[24:32])
    days_in_year = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
    if not 1 <= day <= days_in_year:
        raise _layout_error(source, number, 1, line, 21, 32, "epoch",
                            f"a day of year from 1 to {days_in_year} in {year}", f"got day {day}")
    mjd0, mjd = erfa.cal2jd(year, 1, 1)
    # The fraction counts 86400-s days (twoline2rv, CelesTrak's OMM epochs), also on a day that
    # ends with a leap second: start from 0h UTC and add SI seconds.
    midnight = Time.from_utc_jd(float(mjd0) + float(mjd) + (day - 1), 0.0)
    return midnight + fraction * 86400.0


def _values(source: str, number: int, number2: int, name: str | None, line1: str,
            line2: str) -> MeanElementsGP:
    catalogue_1 = decode_alpha5(line1[2:7])
    catalogue_2 = decode_alpha5(line2[2:7])
    if catalogue_1 != catalogue_2:
        raise _layout_error(
            source, number2, 2, line2, 3, 7, "catalogue number",
            f"{line1[2:7]!r}, the catalogue number of line 1 (line {number})",
            f"got {line2[2:7]!r}: lines 1 and 2 belong to different satellites")
    designator = line1[9:17].strip()
    if designator:
        year = int(designator[:2])
        designator = f"{1900 + year if year >= 57 else 2000 + year}-{designator[2:5]}{designator[5:]}"
    angles = (("inclination", 9, 16, 180.0), ("right ascension of the ascending node", 18, 25, 360.0),
              ("argument of perigee", 35, 42, 360.0), ("mean anomaly", 44, 51, 360.0))
    for field, first, last, top in angles:
        if not float(line2[first - 1:last]) <= top:
            raise _layout_error(source, number2, 2, line2, first, last, field,
                                f"0 to {top:g} degrees", f"got {line2[first - 1:last].strip()}")
    mean_motion = float(line2[52:63])
    if not mean_motion > 0.0:
        raise _layout_error(source, number2, 2, line2, 53, 63, "mean motion",
                            "a positive number of revolutions per day", f"got {line2[52:63].strip()}")
    try:
        return MeanElementsGP(
            name=name,
            catalogue_number=catalogue_1,
            international_designator=designator,
            classification=line1[7],
            epoch=_epoch(source, number, line1),
            mean_motion_rev_day=mean_motion,
            eccentricity=float("0." + line2[26:33].strip().rjust(7, "0")),
            inclination_deg=float(line2[8:16]),
            raan_deg=float(line2[17:25]),
            argument_of_perigee_deg=float(line2[34:42]),
            mean_anomaly_deg=float(line2[43:51]),
            bstar_per_earth_radii=_implied_exponent(line1[53:61]),
            mean_motion_dot_rev_day2=float(line1[33:43].replace(" ", "")),
            mean_motion_ddot_rev_day3=_implied_exponent(line1[44:52]),
            element_set_number=int(line1[64:68].strip() or 0),
            revolution_number=int(line2[63:68].strip() or 0),
            ephemeris_type=int(line1[62].strip() or 0),
        )
    except InvalidInputError as error:  # a range the record checks and the columns do not
        raise InvalidInputError(f"lines {number} and {number2}: {error}", source=source) from None


def _verification_extra(source: str, number: int, line: str) -> tuple[float, float, float]:
    words = line[TLE_LINE_LENGTH:].split()
    values = []
    for word in words:
        if not re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)", word, re.ASCII):
            values = []
            break
        values.append(float(word))
    if len(values) != 3:
        raise _layout_error(
            source, number, 2, line, TLE_LINE_LENGTH + 1, max(len(line), TLE_LINE_LENGTH + 1),
            "verification run", "three numbers after column 69: start, stop and step in minutes",
            f"got {line[TLE_LINE_LENGTH:].strip()!r}")
    return values[0], values[1], values[2]


def _parse(text: str, source: str, verification: bool):
    """Per TLE: (elements, extra columns, line1, line2, line number of line 1, checksum ok 1, ok 2)."""
    if not isinstance(text, str):
        raise InvalidInputError(f"expected TLE text, got {type(text).__name__}", source=source)
    lines = [line.rstrip("\r") for line in text.removeprefix("\ufeff").split("\n")]
    name: str | None = None
    name_number = 0
    results = []
    index = 0
    while index < len(lines):
        line = lines[index].rstrip(" ")
        number = index + 1
        index += 1
        if not line.strip(" \t"):
            continue
        if verification and line.lstrip().startswith("#"):
            continue
        if line.startswith("2 ") or line == "2":
            raise _layout_error(source, number, 2, line, 1, 1, "line number",
                                "a TLE line 1 (starting '1 ') before this line 2",
                                "got a line 2 with no line 1 above it")
        if not (line.startswith("1 ") or line == "1"):
            if name is not None:
                raise InvalidInputError(
                    f"line {number}: expected TLE line 1 (starting '1 ') after the name on line "
                    f"{name_number} ({_shown(name)!r}), got {_shown(line)!r}",
                    source=source, field="line number")
            name = _name(source, number, line)
            name_number = number
            continue
        # a line 1: the next non-blank line must be its line 2
        line1 = line
        _check_characters(source, number, 1, line1)
        _check_length(source, number, 1, line1, allow_extra=False)
        while index < len(lines) and not lines[index].strip(" \t"):
            index += 1
        if index >= len(lines):
            raise InvalidInputError(
                f"line {number}: TLE line 1 is the last line of the text: its line 2 is missing "
                f"(truncated file?)", source=source, field="line number")
        line2 = lines[index].rstrip(" ")
        number2 = index + 1
        index += 1
        if not (line2.startswith("2 ") or line2 == "2"):
            raise _layout_error(source, number2, 2, line2, 1, 1, "line number",
                                f"'2', the line 2 of the TLE whose line 1 is line {number}",
                                f"got {line2[:1]!r}: lines are missing or out of order")
        _check_characters(source, number2, 2, line2)
        _check_length(source, number2, 2, line2, allow_extra=verification)
        _check_fields(source, number, 1, line1)
        _check_fields(source, number2, 2, line2[:TLE_LINE_LENGTH])
        ok1 = _checksum_ok(source, number, 1, line1, strict=not verification)
        ok2 = _checksum_ok(source, number2, 2, line2, strict=not verification)
        extra = _verification_extra(source, number2, line2) if verification else None
        elements = _values(source, number, number2, name or None, line1, line2[:TLE_LINE_LENGTH])
        results.append((elements, extra, line1, line2[:TLE_LINE_LENGTH], number, ok1, ok2))
        name = None
    if name is not None:
        raise InvalidInputError(
            f"line {name_number}: the name {_shown(name)!r} is not followed by a TLE (truncated file?)",
            source=source, field="line number")
    return results


def _name(source: str, number: int, line: str) -> str:
    for index, char in enumerate(line):
        if not char.isprintable() or 0xDC80 <= ord(char) <= 0xDCFF:
            raise InvalidInputError(
                f"line {number}, column {index + 1}: expected a satellite name (printable text) or "
                f"TLE line 1, got {_describe_char(char)}", source=source, field="name")
    name = line.strip()
    if name.startswith("0 "):  # Space-Track 3LE names carry a line number 0
        name = name[2:].strip()
    return name


# --- writing -------------------------------------------------------------------------------------
def format_tle(elements: MeanElementsGP) -> tuple[str, str]:
    """The two 69-column lines of a TLE for these elements, with checksums.

    Values are rounded to the printed precision (epoch to 1e-8 day, angles to 1e-4 deg,
    eccentricity to 1e-7, mean motion to 1e-8 rev/day, B* and nddot/6 to five significant digits).
    Catalogue numbers 100000-339999 are written as Alpha-5; the revolution number is written modulo
    100000 (as published TLEs do) and an element set number above 9999 modulo 10000 with a warning.

    Raises:
        InvalidInputError: for a value that the columns cannot hold (catalogue number above 339999:
        use OMM; epoch outside 1957-2056; mean motion of 100 rev/day or more; |ndot/2| >= 1).
    """
    e = elements
    catalogue = encode_alpha5(e.catalogue_number)
    designator = e.tle_international_designator
    if len(designator) > 8:
        raise InvalidInputError(
            f"expected a COSPAR ID such as '1998-067A' (or at most 8 characters), got "
            f"{e.international_designator!r}", source="TLE", field="international designator")
    epoch = _format_epoch(e.epoch)
    ndot = f"{abs(e.mean_motion_dot_rev_day2):.8f}"
    if not ndot.startswith("0."):
        raise InvalidInputError(
            f"expected |ndot/2| < 1 rev/day^2 to fit columns 34-43, got {e.mean_motion_dot_rev_day2}",
            source="TLE", field="mean motion derivative")
    ndot = ("-" if e.mean_motion_dot_rev_day2 < 0 and ndot != "0.00000000" else " ") + ndot[1:]
    element_set = e.element_set_number
    if element_set > 9999:
        warnings.warn(f"TLE of catalogue number {e.catalogue_number}: element set number {element_set} "
                      f"written modulo 10000 (four columns)", stacklevel=2)
        element_set %= 10000
    line1 = (f"1 {catalogue}{e.classification} {designator:<8} {epoch} {ndot} "
             f"{_format_implied_exponent(e.mean_motion_ddot_rev_day3, 'mean motion second derivative')} "
             f"{_format_implied_exponent(e.bstar_per_earth_radii, 'bstar')} "
             f"{e.ephemeris_type % 10:d} {element_set:4d}")
    eccentricity = f"{e.eccentricity:.7f}"
    if not eccentricity.startswith("0."):
        raise InvalidInputError(
            f"expected an eccentricity below 0.99999995 (seven printed digits), got {e.eccentricity}",
            source="TLE", field="eccentricity")
    mean_motion = f"{e.mean_motion_rev_day:11.8f}"
    if len(mean_motion) > 11:
        raise InvalidInputError(
            f"expected a mean motion below 100 rev/day (columns 53-63), got {e.mean_motion_rev_day}",
            source="TLE", field="mean motion")
    line2 = (f"2 {catalogue} {e.inclination_deg:8.4f} {e.raan_deg:8.4f} {eccentricity[2:]} "
             f"{e.argument_of_perigee_deg:8.4f} {e.mean_anomaly_deg:8.4f} {mean_motion}"
             f"{e.revolution_number % 100000:5d}")
    return line1 + str(tle_checksum(line1)), line2 + str(tle_checksum(line2))


def format_tle_text(records, *, names: bool = True) -> str:
    """TLE text for many records: 3LE (name line first) when ``names`` and the record has a name."""
    out = []
    for record in records:
        if names and record.name:
            name = record.name.strip()
            # a name that a reader would take for a TLE line (or for Space-Track's "0 " prefix)
            # gets that prefix, which readers strip
            if name[:2] in ("0 ", "1 ", "2 ") or name in ("1", "2"):
                name = "0 " + name
            out.append(name)
        out.extend(format_tle(record))
    return "\n".join(out) + "\n"


def write_tle(records, path: str | os.PathLike[str], *, names: bool = True) -> Path:
    """Write ``format_tle_text(records)`` to ``path`` (ASCII) and return the path."""
    path = Path(path)
    path.write_text(format_tle_text(records, names=names), encoding="ascii", newline="\n")
    return path


def _format_epoch(epoch: Time) -> str:
    """YYDDD.DDDDDDDD of a UTC epoch, rounded to 1e-8 day (carrying into the next day or year)."""
    day0, fraction = utc_day_split(epoch)
    year, month, day, _ = erfa.jd2cal(day0, 0.0)
    year = int(year)
    mjd0, mjd = erfa.cal2jd(year, 1, 1)
    whole = int(round(day0 - (float(mjd0) + float(mjd))))  # days since 1 January
    units = round(fraction * 1e8)
    if units >= 100_000_000:  # rounds up to the next day (or lies in a leap second)
        whole, units = whole + 1, units - 100_000_000
    days_in_year = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
    if whole >= days_in_year:
        year, whole = year + 1, whole - days_in_year
    if not 1957 <= year <= 2056:
        raise InvalidInputError(
            f"epoch year {year} cannot be written in a TLE (two-digit years cover 1957-2056); "
            f"write OMM instead", source="TLE", field="epoch")
    return f"{year % 100:02d}{whole + 1:03d}.{units:08d}"


def _format_implied_exponent(value: float, field: str) -> str:
    """'+NNNNN-N': five significant digits after an implied decimal point, then a one-digit exponent."""
    if value == 0.0:
        return " 00000-0"
    mantissa, exponent = f"{abs(value):.4e}".split("e")
    digits = mantissa.replace(".", "")
    exponent_value = int(exponent) + 1
    if exponent_value < -9:  # too small for one exponent digit: print what the columns can hold
        digits = f"{round(abs(value) * 1e14):05d}"
        exponent_value = -9
        if digits == "00000":
            return " 00000-0"
    if exponent_value > 9:
        raise InvalidInputError(f"expected |value| < 1e9 to fit the TLE exponent column, got {value}",
                                source="TLE", field=field)
    sign = "-" if value < 0 else " "
    # an exponent of zero is written '-0', as published element sets and SGP4-VER.TLE do
    return f"{sign}{digits}{'+' if exponent_value > 0 else '-'}{abs(exponent_value)}"
