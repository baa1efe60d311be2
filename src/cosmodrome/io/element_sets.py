"""Element sets from the command line's `--tle FILE` or `--omm FILE`: one reader for every command."""

from __future__ import annotations

from ..errors import InvalidInputError


def read_element_sets(tle_path: str | None = None, omm_path: str | None = None):
    """(records, path): the MeanElementsGP of a TLE/3LE file or an OMM file (JSON, CSV, XML or KVN).

    Exactly one path is given. Raises InvalidInputError naming the file when it holds no element set,
    and the readers' own errors (line, column, field) for anything malformed.
    """
    if (tle_path is None) == (omm_path is None):
        raise InvalidInputError("give exactly one of --tle FILE or --omm FILE", field="--tle/--omm")
    if tle_path is not None:
        from .tle import read_tle
        records, path = read_tle(tle_path), tle_path
    else:
        from .omm import read_omm
        records, path = read_omm(omm_path), omm_path
    if not records:
        raise InvalidInputError("no element sets found in the file", source=path)
    return records, path
