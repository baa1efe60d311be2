"""docs/validation-payload.md must match what tools/payload_table.py computes today.

The document compares payload estimates with published capacities (sources in the vehicle files'
[[published_payloads]]). These tests regenerate its rows (without the sensitivity columns, which
take three more estimates each) and fail when a printed number is more than 1 % off, or when a
figure moved between "scored" and "listed", so the document cannot go stale silently. Tolerance:
1 % of the value, and at least 1 kg, because the table prints whole kilograms (Electron's 32 kg
rounds by up to 1.6 %); the estimates themselves repeat to far better than that.
Regenerate with: python tools/payload_table.py > docs/validation-payload.md
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "validation-payload.md"
TOOL = ROOT / "tools" / "payload_table.py"
RELATIVE = 0.01


def _load_tool():
    spec = importlib.util.spec_from_file_location("payload_table", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool():
    return _load_tool()


@pytest.fixture(scope="module")
def regenerated(tool):
    rows, _ = tool.payload_rows(sensitivity=False)
    return rows, tool.ratio_rows()


def _section(title: str) -> list[str]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"## {title}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start + 1:end]


def _table_rows(lines: list[str]) -> list[list[str]]:
    rows = []
    for line in lines:
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return [r for r in rows if r[0] not in ("#", "pair")]  # drop header rows


def _number(text: str) -> float:
    return float(re.match(r"[-+0-9.,]+", text).group(0).replace(",", ""))


def _close(printed: float, value: float, floor: float) -> bool:
    return abs(printed - value) <= max(RELATIVE * abs(value), floor)


def _check_payload_table(title: str, fresh: dict) -> None:
    printed = {cells[1]: cells for cells in _table_rows(_section(title))}
    assert set(printed) == set(fresh), f"rows of '{title}' changed: regenerate docs/validation-payload.md"
    for key, row in fresh.items():
        cells = printed[key]
        assert _close(_number(cells[3]), row.prediction.quoted_kg, 1.0), (key, cells[3], row.prediction.quoted_kg)
        assert _close(_number(cells[4]), row.prediction.max_kg, 1.0), (key, cells[4], row.prediction.max_kg)


def test_scored_rows_match_the_document(regenerated):
    rows, _ = regenerated
    _check_payload_table("Scored", {r.key: r for r in rows if r.scored})


def test_listed_rows_match_the_document(regenerated):
    rows, _ = regenerated
    _check_payload_table("Listed, not scored", {r.key: r for r in rows if not r.scored})


def test_ratio_rows_match_the_document(regenerated):
    _, ratios = regenerated
    printed = {cells[0]: cells for cells in _table_rows(_section("Ratios"))}
    assert set(printed) == {r.key for r in ratios}
    for row in ratios:
        cells = printed[row.key]
        assert _close(_number(cells[2]), row.pair.published, 1e-4), (row.key, cells[2])
        assert _close(_number(cells[3]), row.predicted, 1e-4), (row.key, cells[3], row.predicted)
        assert _close(_number(cells[4]), row.predicted_max, 1e-4), (row.key, cells[4], row.predicted_max)


def test_verdict_states_the_scored_count_and_outcome(regenerated, tool):
    rows, ratios = regenerated
    verdict = " ".join(_section("Verdict"))
    scored = [r for r in rows if r.scored]
    if not scored:
        assert "cannot be assessed" in verdict
        return
    errors = sorted(abs(r.error_quoted) for r in scored)
    median = errors[len(errors) // 2] if len(errors) % 2 else 0.5 * (errors[len(errors) // 2 - 1] + errors[len(errors) // 2])
    met = median <= tool.TARGET_MEDIAN and errors[-1] <= tool.TARGET_WORST
    assert f"Scored figures: {len(scored)};" in verdict
    assert f"**The target is {'met' if met else 'not met'}**" in verdict


def test_scored_figures_state_orbit_site_and_pass_the_audit(regenerated, tool):
    # The rule of the document, applied to the regenerated rows: a scored figure is comparable,
    # its configuration is modelled and no contradiction moves its maximum by more than 5 %.
    rows, _ = regenerated
    for row in rows:
        if row.scored:
            assert row.payload.comparable
            assert (row.vehicle_id, row.payload.payload_kg) not in tool.CONFIGURATION_NOT_MODELLED
            assert all(item.swing <= tool.AUDIT_SWING_LIMIT for item in row.audit.items)
