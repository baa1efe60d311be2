"""`cosmodrome passes`: output forms and the exit code 2 with a clear message for bad input.

Run through ``cosmodrome.cli.run`` (its error-to-exit-code mapping). Until cli.py registers the
command, the fixture adds it to the parser ``cli.run`` builds, as cli.py will.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cosmodrome import cli
from cosmodrome.cli_observe import add_passes_command

DATA = Path(__file__).parent / "data"
TLE = str(DATA / "passes_satellites.tle")


@pytest.fixture
def run(monkeypatch):
    original = cli.build_parser

    def build():
        parser = original()
        subparsers = next(action for action in parser._actions if hasattr(action, "choices")
                          and isinstance(action.choices, dict))
        if "passes" not in subparsers.choices:
            add_passes_command(subparsers)
        return parser

    monkeypatch.setattr(cli, "build_parser", build)
    return cli.run


ISS_ARGS = ["passes", "--tle", TLE, "--site", "Toulouse=43.5603,1.4808,150", "--start", "2008-09-20T13:00:00Z",
            "--days", "1"]


def test_json_output(run, capsys):
    assert run(ISS_ARGS + ["--json", "--min-elevation-deg", "20"]) == 0
    rows = json.loads(capsys.readouterr().out)
    iss = [row for row in rows if row["satellite"] == 25544]
    assert len(iss) == 2  # of the six ISS passes that day, two peak above 20 deg (54 and 65 deg)
    for row in rows:
        for key in ("satellite", "site", "rise_utc", "culmination_utc", "set_utc", "max_elevation_deg",
                    "rise_azimuth_deg", "set_azimuth_deg", "partial"):
            assert key in row
        assert isinstance(row["satellite"], int) and isinstance(row["partial"], bool)
        assert row["rise_utc"].endswith("Z") and row["set_utc"].endswith("Z")
        assert row["site"] == "Toulouse"
        assert row["max_elevation_deg"] >= 20.0


def test_text_and_csv_output(run, capsys, tmp_path):
    out = tmp_path / "passes.csv"
    assert run(ISS_ARGS + ["--site", "baikonur", "--csv", str(out)]) == 0
    text = capsys.readouterr().out
    assert "passes of 5 satellites over 2 sites" in text and "25544" in text
    table = pd.read_csv(out)
    assert set(table["site"]) == {"Toulouse", "baikonur"}
    assert len(table) == len(text.splitlines()) - 2


def test_sites_file(run, capsys, tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("name,latitude_deg,longitude_deg,min_elevation_deg\nA,43.56,1.48,5\nB,-33.9,18.4,0\n")
    assert run(["passes", "--tle", TLE, "--sites-file", str(sites), "--start", "2008-09-20T13:00:00Z",
                "--days", "0.5", "--json"]) == 0
    assert {row["site"] for row in json.loads(capsys.readouterr().out)} <= {"A", "B"}


@pytest.mark.parametrize("change, message", [
    (["--site", "95,10"], "field latitude_deg: expected a latitude from -90 to 90 deg, got 95.0"),
    (["--site", "45,200.5,0", "--site", "10,-181"], "expected a longitude from -180 to 360 deg"),
    (["--min-elevation-deg", "91"], "an elevation mask above 90 deg can never be met: got 91 deg"),
    (["--days", "0"], "the search window must have a positive length, got 0 days"),
    (["--days", "-2"], "got -2 days"),
    (["--start", "2008-13-01"], "month"),
])
def test_bad_input_exits_2_with_a_message(run, capsys, change, message):
    args = list(ISS_ARGS)
    for k in range(0, len(change), 2):
        flag, value = change[k], change[k + 1]
        if flag in args and flag != "--site":
            args[args.index(flag) + 1] = value
        else:
            args += [flag, value]
    assert run(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and message in err
    assert "Traceback" not in err


def test_empty_site_file_exits_2(run, capsys, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert run(["passes", "--tle", TLE, "--sites-file", str(empty), "--start", "2008-09-20T13:00:00Z",
                "--days", "1"]) == 2
    err = capsys.readouterr().err
    assert "the site file is empty" in err and str(empty) in err


def test_no_site_exits_2(run, capsys):
    assert run(["passes", "--tle", TLE, "--start", "2008-09-20T13:00:00Z", "--days", "1"]) == 2
    assert "give at least one --site" in capsys.readouterr().err


def test_missing_tle_file_exits_2(run, capsys, tmp_path):
    assert run(["passes", "--tle", str(tmp_path / "none.tle"), "--site", "0,0", "--start",
                "2008-09-20T13:00:00Z", "--days", "1"]) == 2
    assert "Error:" in capsys.readouterr().err
