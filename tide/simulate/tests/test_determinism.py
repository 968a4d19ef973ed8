from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tide.simulate import SimConfig, generate, generate_to, write


def _manifest(path: Path) -> dict:
    return json.loads((path / "manifest.json").read_text())


def test_same_seed_streaming_gives_byte_identical_files(tmp_path: Path) -> None:
    cfg = SimConfig.preset("tiny", seed=5, chunk_size=120)  # three chunks
    a = generate_to(cfg, tmp_path / "a")
    b = generate_to(SimConfig.preset("tiny", seed=5, chunk_size=120), tmp_path / "b")
    assert a["sha256"] == b["sha256"]
    assert len(a["sha256"]) >= 10 * 2 + 5
    assert a["rows"]["truth/people"] == 300


def test_different_seed_gives_different_files(tmp_path: Path) -> None:
    a = generate_to(SimConfig.preset("tiny", seed=5), tmp_path / "a")
    b = generate_to(SimConfig.preset("tiny", seed=6), tmp_path / "b")
    assert a["sha256"]["truth/people.parquet"] != b["sha256"]["truth/people.parquet"]
    assert a["sha256"]["extracts/acute.csv"] != b["sha256"]["extracts/acute.csv"]


def test_in_memory_and_streamed_areas_hold_the_same_data(tmp_path: Path) -> None:
    cfg = SimConfig.preset("tiny", seed=8, chunk_size=100)
    area = generate(cfg)
    write(area, tmp_path / "mem")
    generate_to(cfg, tmp_path / "stream")
    for rel in ("truth/people.parquet", "truth/events.parquet", "extracts/police.parquet", "truth/ndt.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "mem" / rel), pd.read_parquet(tmp_path / "stream" / rel)
        )
    assert (tmp_path / "mem" / "extracts/police.csv").read_bytes() == (
        tmp_path / "stream" / "extracts/police.csv"
    ).read_bytes()


def test_manifest_records_config_rows_and_hashes(tmp_path: Path) -> None:
    m = generate_to(SimConfig.preset("tiny", seed=3), tmp_path)
    on_disk = _manifest(tmp_path)
    assert on_disk == json.loads(json.dumps(m))
    assert on_disk["seed"] == 3
    assert on_disk["config"]["n_people"] == 300
    events = pd.read_parquet(tmp_path / "truth/events.parquet")
    assert on_disk["rows"]["truth/events"] == len(events)
    for name in ("truth/effects.json", "truth/definitions.parquet", "truth/records.parquet", "extracts/outreach.csv"):
        assert name in on_disk["sha256"]
