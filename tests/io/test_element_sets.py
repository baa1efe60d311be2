"""One reader of --tle/--omm for every command (cosmodrome.io.element_sets)."""

from pathlib import Path

import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.io.element_sets import read_element_sets

ISS = Path(__file__).resolve().parents[2] / "examples" / "iss.tle"  # CelesTrak's documented ISS set


def test_reads_a_tle_file():
    records, path = read_element_sets(tle_path=str(ISS))
    assert path == str(ISS) and [r.catalogue_number for r in records] == [25544]


def test_an_empty_file_is_named(tmp_path):
    empty = tmp_path / "empty.tle"
    empty.write_text("")
    with pytest.raises(InvalidInputError, match="empty.tle: no element sets found in the file"):
        read_element_sets(tle_path=str(empty))


def test_exactly_one_source():
    with pytest.raises(InvalidInputError, match="exactly one of --tle FILE or --omm FILE"):
        read_element_sets(tle_path=str(ISS), omm_path=str(ISS))
