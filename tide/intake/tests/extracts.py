"""Small synthetic extracts in the shipped formats (no real person)."""

from __future__ import annotations

POLICE_HEADER = '"event_id","record_ref","pnc_id","surname","forenames","date_of_birth","address","postcode","event_type","event_date"'
POLICE_ROWS = [
    '"CU00000000001","PP00000001","2019/0123456A","OKAFOR","Daniel",1984-06-12,"12 Quay Street, Tidemouth","TX1 2AB","arrest",2026-01-10',
    '"CU00000000002","PP00000001","2019/0123456A","OKAFOR","Daniel",1984-06-12,"12 Quay Street, Tidemouth","TX1 2AB","custody_night",2026-01-10',
    '"CU00000000003","PP00000002",,"HOLLOWAY","Bernadette",1979-11-03,"4 Mill Lane, Kestrel Bay","TX4 9QT","arrest",2026-02-01',
    '"CU00000000004","PP00000003","2020/7654321B","PRZYBYLSKI","Marek",1990-02-28,,"TX2 5LD","arrest",2026-03-15',
]
ACUTE_HEADER = '"event_id","record_ref","nhs_number","family_name","given_name","date_of_birth","postcode","event_type","event_date"'
ACUTE_ROWS = [
    '"AE00000000001","RTX0000001","9434765919","Okafor","Danny",1984-06-12,"TX1 2AB","ae_attendance",2026-01-20',
    '"AE00000000002","RTX0000001","9434765919","Okafor","Danny",1984-06-12,"TX1 2AB","emergency_admission",2026-04-02',
    '"AE00000000003","RTX0000002",,"Holloway","Bernadette",1979-12-13,,"ae_attendance",2026-02-14',
    '"AE00000000004","RTX0000003","9990000018","Nkemelu","Grace",1995-07-30,"TX3 1FF","ae_attendance",2026-05-05',
]


def csv_bytes(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def police_csv(rows: list[str] | None = None) -> bytes:
    return csv_bytes(POLICE_HEADER, POLICE_ROWS if rows is None else rows)


def acute_csv(rows: list[str] | None = None) -> bytes:
    return csv_bytes(ACUTE_HEADER, ACUTE_ROWS if rows is None else rows)
