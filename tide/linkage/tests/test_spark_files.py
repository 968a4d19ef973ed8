"""The round trip to a Spark cluster: export the area's records and model, link from the pairs it scores.

DuckDB stands in for the cluster here (``test_spark.py`` shows Spark scores the same pairs).
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from tide.core.models import AuditEvent
from tide.linkage import engine
from tide.linkage.models import PersonLink, SourceRecord
from tide.linkage.normalise import COLUMNS
from tide.linkage.services import model_active, records_upsert

POLICE = {
    "PP00000001": {
        "given_name": "Daniel",
        "family_name": "OKAFOR",
        "date_of_birth": dt.date(1984, 6, 12),
        "postcode": "TX1 2AB",
        "pnc_id": "2019/0123456A",
    },
    "PP00000003": {"given_name": "Marek", "family_name": "PRZYBYLSKI", "date_of_birth": dt.date(1990, 2, 28)},
}
ACUTE = {
    "RTX0000001": {
        "given_name": "Danny",
        "family_name": "Okafor",
        "date_of_birth": dt.date(1984, 6, 12),
        "postcode": "TX1 2AB",
        "nhs_number": "9434765919",
    },
    "RTX0000003": {"given_name": "Grace", "family_name": "Nkemelu", "date_of_birth": dt.date(1995, 7, 30)},
}


@pytest.fixture
def received(area, police, acute):
    """Records taken in but not linked yet (as a national load scored on a cluster would leave them)."""
    records_upsert(area=area, agency=police, identities=POLICE)
    records_upsert(area=area, agency=acute, identities=ACUTE)


def _cluster_job(folder, pairs_path, threshold: float) -> None:
    """What the Spark job of docs/how-to/run-linkage-on-spark.md does, on DuckDB."""
    records = pd.read_parquet(folder / "records.parquet")
    trained = json.loads((folder / "model.json").read_text())
    engine.predict_all(records, trained, threshold=threshold).to_parquet(pairs_path)


def _person(ref: str) -> int:
    return SourceRecord.objects.get(record_ref=ref).links.get(ended_at__isnull=True).person_id


def test_records_go_out_to_the_cluster_and_its_pairs_link_them(area, received, tmp_path, capsys):
    call_command("linkage_export", str(tmp_path / "export"))
    records = pd.read_parquet(tmp_path / "export" / "records.parquet")
    assert list(records.columns) == list(COLUMNS)
    assert len(records) == 4
    assert AuditEvent.objects.filter(action="linkage.records_exported").count() == 1
    _cluster_job(tmp_path / "export", tmp_path / "pairs.parquet", model_active(area=area).lower)

    call_command("linkage_load_pairs", str(tmp_path / "pairs.parquet"))
    assert "Linked 4 records" in capsys.readouterr().out
    assert _person("PP00000001") == _person("RTX0000001")
    assert len({_person("PP00000001"), _person("PP00000003"), _person("RTX0000003")}) == 3
    # Loading the same pairs again finds nothing left to link and moves nobody.
    links = set(PersonLink.objects.values_list("pk", "record_id", "person_id"))
    call_command("linkage_load_pairs", str(tmp_path / "pairs.parquet"))
    assert "Linked 0 records" in capsys.readouterr().out
    assert set(PersonLink.objects.values_list("pk", "record_id", "person_id")) == links


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ({"unique_id_l": [1], "unique_id_r": [2]}, "not a Parquet file of pairs"),
        ({"unique_id_l": [1], "unique_id_r": [2], "match_probability": [1.5]}, "from 0 to 1"),
        ({"unique_id_l": [1.5], "unique_id_r": [2], "match_probability": [0.9]}, "whole record ids"),
        ({"unique_id_l": [1], "unique_id_r": [999_999], "match_probability": [0.9]}, "not records of"),
    ],
)
def test_a_bad_pairs_file_is_refused_and_links_nothing(received, tmp_path, pairs, message):
    first = SourceRecord.objects.order_by("id").first()
    frame = pd.DataFrame(pairs)
    frame["unique_id_l"] = frame["unique_id_l"].where(frame["unique_id_l"] != 1, first.pk)
    frame.to_parquet(tmp_path / "pairs.parquet")
    with pytest.raises(CommandError, match=message):
        call_command("linkage_load_pairs", str(tmp_path / "pairs.parquet"))
    assert not PersonLink.objects.exists()


def test_a_file_that_is_not_parquet_or_not_there_is_refused(received, tmp_path):
    (tmp_path / "pairs.csv").write_text("unique_id_l,unique_id_r,match_probability\n1,2,0.9\n")
    with pytest.raises(CommandError, match="not a Parquet file"):
        call_command("linkage_load_pairs", str(tmp_path / "pairs.csv"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("linkage_load_pairs", str(tmp_path / "missing.parquet"))
    assert not PersonLink.objects.exists()


def test_with_two_areas_the_commands_ask_which(area, received, tmp_path):
    from tide.testing.factories import AreaFactory

    AreaFactory(code="other")
    with pytest.raises(CommandError, match="Name the area"):
        call_command("linkage_export", str(tmp_path))
    call_command("linkage_export", str(tmp_path), area=area.code)
    assert len(pd.read_parquet(tmp_path / "records.parquet")) == 4
