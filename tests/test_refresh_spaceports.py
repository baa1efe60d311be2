"""tools/refresh_spaceports.py: regenerating the bundled site table from the reference file."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import sys
from importlib import resources
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference" / "spaceports.json"


def _load_tool():
    spec = importlib.util.spec_from_file_location("refresh_spaceports", REPO / "tools" / "refresh_spaceports.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def _shipped_text() -> str:
    return resources.files("cosmodrome").joinpath("data", "spaceports.json").read_text(encoding="utf-8")


def _shipped_references() -> list[dict]:
    # The shipped file keeps every reference record verbatim, so these tests need no ../shared.
    return [site["reference"] for site in json.loads(_shipped_text())["sites"]]


@pytest.fixture
def workspace(tmp_path):
    """A reference copy and a copy of the shipped file to regenerate, both in tmp_path."""
    reference = tmp_path / "spaceports_reference.json"
    reference.write_text(json.dumps(_shipped_references(), indent=1, ensure_ascii=False), encoding="utf-8")
    output = tmp_path / "spaceports.json"
    output.write_text(_shipped_text(), encoding="utf-8")
    return reference, output


def test_shared_reference_reproduces_the_shipped_file_byte_for_byte():
    if not REFERENCE.exists():
        pytest.skip(f"shared reference file not present at {REFERENCE}")
    records = tool.load_reference(REFERENCE)
    assert tool.render(tool.build_document(records)) == _shipped_text()


def test_check_mode_passes_on_the_shared_reference(capsys):
    if not REFERENCE.exists():
        pytest.skip(f"shared reference file not present at {REFERENCE}")
    assert tool.main([str(REFERENCE), "--check"]) == 0
    assert "no changes" in capsys.readouterr().out


def test_embedded_references_reproduce_the_shipped_file(workspace, capsys):
    reference, output = workspace
    assert tool.main([str(reference), "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out and "review:" not in out
    assert output.read_text(encoding="utf-8") == _shipped_text()


def test_changes_are_printed_and_written(workspace, capsys):
    reference, output = workspace
    records = _shipped_references()
    plesetsk = next(r for r in records if r["id"] == "plesetsk")
    plesetsk["altitude_m"] = 150
    records.append(dict(copy.deepcopy(plesetsk), id="test_site", name="Test Site",
                        launch_azimuth_deg={"min_deg": 10, "max_deg": 50, "source": "made up"},
                        inclinations=None))
    reference.write_text(json.dumps(records), encoding="utf-8")

    assert tool.main([str(reference), "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert "plesetsk: altitude_m 0.0 -> 150.0" in out
    assert "plesetsk: altitude_note" in out
    assert "site added: test_site" in out
    assert "review: test_site: limits taken as the reference's numbers; add a LIMITS entry" in out
    written = {site["id"]: site for site in json.loads(output.read_text(encoding="utf-8"))["sites"]}
    assert written["plesetsk"]["altitude_m"] == 150.0
    assert written["plesetsk"]["altitude_note"] == tool.ALTITUDE_GIVEN
    assert written["test_site"]["azimuth_ranges_deg"] == [[10.0, 50.0]]
    assert written["test_site"]["limits_source"] == "launch_azimuth_deg.min_deg / max_deg"


def test_null_altitude_becomes_zero_with_a_note():
    record = next(r for r in _shipped_references() if r["altitude_m"] is None)
    site = tool.normalise_site(record)
    assert site["altitude_m"] == 0.0 and "null" in site["altitude_note"]
    assert site["reference"] is record


def test_a_changed_limit_field_asks_for_the_judgement_to_be_reviewed(workspace, capsys):
    reference, output = workspace
    records = _shipped_references()
    kodiak = next(r for r in records if r["id"] == "kodiak")
    kodiak["launch_azimuth_deg"] = dict(kodiak["launch_azimuth_deg"], max_deg=230)
    reference.write_text(json.dumps(records), encoding="utf-8")
    assert tool.main([str(reference), "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert "kodiak: reference fields changed: launch_azimuth_deg" in out
    assert "review: kodiak: the reference's launch_azimuth_deg changed; review its LIMITS entry" in out


def test_check_mode_reports_an_out_of_date_file_and_writes_nothing(workspace):
    reference, output = workspace
    records = _shipped_references()
    records[0]["latitude_deg"] += 0.001
    reference.write_text(json.dumps(records), encoding="utf-8")
    assert tool.main([str(reference), "--output", str(output), "--check"]) == 1
    assert output.read_text(encoding="utf-8") == _shipped_text()


def test_missing_field_is_an_error_naming_site_and_field(workspace, capsys):
    reference, output = workspace
    records = _shipped_references()
    del records[2]["latitude_deg"]
    reference.write_text(json.dumps(records), encoding="utf-8")
    assert tool.main([str(reference), "--output", str(output)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ")
    assert "site 2 ('plesetsk'): field 'latitude_deg' is missing" in err
    assert output.read_text(encoding="utf-8") == _shipped_text()


def test_a_value_the_loader_rejects_is_an_error(workspace, capsys):
    reference, output = workspace
    records = _shipped_references()
    records[0]["latitude_deg"] = 95.0
    reference.write_text(json.dumps(records), encoding="utf-8")
    assert tool.main([str(reference), "--output", str(output)]) == 2
    err = capsys.readouterr().err
    assert "site 'vostochny' does not load" in err and "latitude" in err


def test_missing_reference_file_is_an_error(tmp_path, capsys):
    assert tool.main([str(tmp_path / "absent.json"), "--output", str(tmp_path / "out.json")]) == 2
    assert "Error: cannot read the reference file" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


def test_data_age_names_the_coordinate_table_date(workspace):
    reference, _ = workspace
    lines = tool.data_age(_shipped_references(), reference, today=dt.date(2025, 1, 13))
    assert any("GCAT lp.tsv updated 2024-01-13 (366 days ago)" in line for line in lines)
    assert lines[0].startswith(f"reference file {reference} last modified")
