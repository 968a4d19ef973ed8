"""Turn identity fields as received into the columns the linkage model compares. Pure Python.

Placeholder dates of birth (1900-01-01 and the like) become blanks: left in, they join strangers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import jellyfish
import numpy as np
import pandas as pd
from nicknames import NickNamer

# Short forms common in Britain and the formal name they stand for (lower case), used first; the
# hand-curated ``nicknames`` package (Apache-2.0, about 1,400 names) supplies the rest.
NICKNAMES: dict[str, str] = {
    "bill": "william", "billy": "william", "will": "william", "liam": "william", "willie": "william",
    "bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert", "bert": "robert",
    "jim": "james", "jimmy": "james", "jamie": "james",
    "mike": "michael", "mick": "michael", "micky": "michael", "mickey": "michael",
    "dave": "david", "davy": "david", "tony": "anthony", "ant": "anthony",
    "chris": "christopher", "kit": "christopher", "tom": "thomas", "tommy": "thomas",
    "steve": "stephen", "stevie": "stephen", "dan": "daniel", "danny": "daniel",
    "joe": "joseph", "joey": "joseph", "ben": "benjamin", "matt": "matthew",
    "pete": "peter", "andy": "andrew", "drew": "andrew", "nick": "nicholas",
    "rick": "richard", "ricky": "richard", "dick": "richard", "rich": "richard",
    "ed": "edward", "eddie": "edward", "ted": "edward", "ron": "ronald", "ronnie": "ronald",
    "sam": "samuel", "alex": "alexander", "al": "alan", "ken": "kenneth", "kenny": "kenneth",
    "tim": "timothy", "jon": "jonathan", "johnny": "john", "jack": "john", "jonny": "john",
    "greg": "gregory", "fred": "frederick", "freddie": "frederick", "harry": "henry", "hal": "henry",
    "charlie": "charles", "chas": "charles", "chuck": "charles", "frank": "francis", "frankie": "francis",
    "gerry": "gerald", "jerry": "gerald", "larry": "lawrence", "len": "leonard", "lenny": "leonard",
    "phil": "philip", "ray": "raymond", "reg": "reginald", "stan": "stanley", "terry": "terence",
    "vic": "victor", "wally": "walter", "don": "donald", "doug": "douglas", "gaz": "gary",
    "mo": "mohammed", "mohammad": "mohammed", "muhammad": "mohammed", "mohamed": "mohammed",
    "kate": "katherine", "katie": "katherine", "kathy": "katherine", "cathy": "catherine", "kath": "katherine",
    "liz": "elizabeth", "lizzie": "elizabeth", "beth": "elizabeth", "betty": "elizabeth", "libby": "elizabeth",
    "sue": "susan", "suzy": "susan", "jen": "jennifer", "jenny": "jennifer", "jess": "jessica",
    "maggie": "margaret", "meg": "margaret", "peggy": "margaret", "mandy": "amanda", "becky": "rebecca",
    "vicky": "victoria", "tori": "victoria", "debbie": "deborah", "deb": "deborah", "sandy": "sandra",
    "pat": "patricia", "trish": "patricia", "patty": "patricia", "chrissie": "christine", "tina": "christina",
    "nikki": "nicola", "nicky": "nicola", "jo": "joanne", "annie": "anne",
    "bella": "isabella", "izzy": "isabel", "abby": "abigail", "ellie": "eleanor", "nell": "eleanor",
    "dot": "dorothy", "dottie": "dorothy", "val": "valerie", "gill": "gillian", "jackie": "jacqueline",
    "steph": "stephanie", "sophie": "sophia", "lou": "louise", "em": "emma", "emmy": "emily",
    "manny": "emmanuel", "sid": "sidney", "alf": "alfred", "alfie": "alfred", "archie": "archibald",
    "bart": "bartholomew", "zak": "zachary", "zac": "zachary", "josh": "joshua", "nat": "nathan",
    "nate": "nathan", "ollie": "oliver", "olly": "oliver", "seb": "sebastian", "theo": "theodore",
    "toby": "tobias", "wes": "wesley", "shaz": "sharon", "kaz": "karen", "baz": "barry",
    "bernie": "bernadette", "rosie": "rosemary", "babs": "barbara", "lil": "lilian", "connie": "constance",
    "caz": "caroline", "loz": "lauren", "shell": "michelle", "bev": "beverley", "gem": "gemma", "stace": "stacey",
    "kasia": "katarzyna", "tomek": "tomasz", "magda": "magdalena", "sasha": "aleksandr", "krzys": "krzysztof",
}  # fmt: skip
_NICKNAMER = NickNamer()

PLACEHOLDER_DOBS = frozenset({dt.date(1900, 1, 1), dt.date(1901, 1, 1), dt.date(1800, 1, 1)})
COLUMNS = (
    "unique_id",
    "first_name",
    "first_name_canon",
    "first_name_forms",
    "first_name_sound",
    "surname",
    "surname_sound",
    "initials",
    "dob",
    "dob_swapped",
    "birth_year",
    "postcode",
    "postcode_district",
    "nhs_number",
    "pnc_id",
    "prison_number",
)


def present(value: Any) -> bool:
    """False for None, empty strings and the missing-value markers of pandas/NumPy."""
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value).strip() not in {"", "nan", "NaN", "NaT", "<NA>", "None"}


def clean_name(value: Any) -> str | None:
    if not present(value):
        return None
    text = re.sub(r"[^a-z' -]", "", str(value).strip().lower())
    text = re.sub(r"[\s'-]+", " ", text).strip()
    return text or None


def first_token(name: str | None) -> str | None:
    return name.split(" ")[0] if name else None


def canonical_first_name(name: str | None) -> str | None:
    """One formal name for a first name, for blocking: ours, else the package's first, else the name."""
    token = first_token(name)
    if not token:
        return None
    if token in NICKNAMES:
        return NICKNAMES[token]
    if _NICKNAMER.nicknames_of(token):  # itself a formal name
        return token
    formal = _NICKNAMER.canonicals_of(token)
    return min(formal) if formal else token


def name_forms(name: str | None) -> list[str] | None:
    """The first name and every formal name it may be short for: two names that share a form may be
    the same person's (Sammy and Samantha, Kate and Katherine)."""
    token = first_token(name)
    if not token:
        return None
    forms = {token, *_NICKNAMER.canonicals_of(token)}
    if token in NICKNAMES:
        forms.add(NICKNAMES[token])
    return sorted(forms)


def sound(name: str | None) -> str | None:
    token = first_token(name)
    return jellyfish.metaphone(token) or None if token else None


def initials(first: str | None, surname: str | None, stated: Any) -> str | None:
    """The initials of a first name and a surname, from the names or else as stated ("IK"): drug and
    alcohol services often hold only initials, date of birth, sex and postcode (as NDTMS does)."""
    letters = (clean_name(stated) or "").replace(" ", "")
    given = first[0] if first else letters[:1]
    family = surname[0] if surname else letters[-1:] if len(letters) > 1 else ""
    return given + family if given and family else None


def clean_dob(value: Any, *, today: dt.date) -> dt.date | None:
    if not present(value):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if value in PLACEHOLDER_DOBS or value.year < 1901 or value > today:
        return None
    return value


def swapped(dob: dt.date | None) -> str | None:
    if dob is None or dob.day > 12 or dob.day == dob.month:
        return None
    try:
        return dt.date(dob.year, dob.day, dob.month).isoformat()
    except ValueError:
        return None


def clean_postcode(value: Any) -> str | None:
    if not present(value):
        return None
    text = re.sub(r"\s+", "", str(value).upper())
    if len(text) < 5:
        return None
    return f"{text[:-3]} {text[-3:]}"


def clean_identifier(value: Any) -> str | None:
    if not present(value):
        return None
    text = re.sub(r"[\s-]", "", str(value)).upper()
    return text or None


def stated_year(value: Any, today: dt.date) -> int:
    """The year of the date an estimated age was given (a date, a timestamp or ISO text); else this year.

    "About 40" said in 2021 means born about 1981, whenever the record is linked.
    """
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10]).year
        except ValueError:
            return today.year
    year = getattr(value, "year", None) if present(value) else None
    return int(year) if year is not None else today.year


def linkage_row(unique_id: int, fields: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    """One record's comparison columns from its identity fields (names as the intake stores them).

    ``fields`` keys: given_name, family_name, initials, date_of_birth, birth_year, estimated_age (given
    on first_seen_on, the date of the record's first event), postcode, nhs_number, pnc_id, prison_number.
    """
    first = clean_name(fields.get("given_name"))
    surname = clean_name(fields.get("family_name"))
    dob = clean_dob(fields.get("date_of_birth"), today=today)
    birth_year: int | None = dob.year if dob else None
    if birth_year is None and present(fields.get("birth_year")):
        birth_year = int(float(fields["birth_year"]))
    if birth_year is None and present(fields.get("estimated_age")):
        birth_year = stated_year(fields.get("first_seen_on"), today) - int(float(fields["estimated_age"]))
    postcode = clean_postcode(fields.get("postcode"))
    return {
        "unique_id": unique_id,
        "first_name": first_token(first),
        "first_name_canon": canonical_first_name(first),
        "first_name_forms": name_forms(first),
        "first_name_sound": sound(canonical_first_name(first)),
        "surname": surname,
        "surname_sound": sound(surname.replace(" ", "") if surname else None),
        "initials": initials(first, surname, fields.get("initials")),
        "dob": dob.isoformat() if dob else None,
        "dob_swapped": swapped(dob),
        "birth_year": birth_year,
        "postcode": postcode,
        "postcode_district": postcode.split(" ")[0] if postcode else None,
        "nhs_number": clean_identifier(fields.get("nhs_number")),
        "pnc_id": clean_identifier(fields.get("pnc_id")),
        "prison_number": clean_identifier(fields.get("prison_number")),
    }


def _per_value(values: Any, fn: Callable[[Any], Any]) -> np.ndarray:
    """``fn`` applied once per distinct value (blanks once), spread back over the rows."""
    series = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = [fn(u) for u in uniques]
    results[-1] = fn(None)
    return results[codes]  # code -1 (blank) takes the last element


def linkage_frame(unique_ids: Any, fields: pd.DataFrame, *, today: dt.date) -> pd.DataFrame:
    """:func:`linkage_row` for many records at once: the same columns, computed once per distinct value.

    ``fields`` has any of the identity columns :func:`linkage_row` reads, one row per record.
    """
    n = len(fields)

    def column(name: str) -> Any:
        return fields[name].to_numpy(dtype=object) if name in fields else np.full(n, None, dtype=object)

    def given(value: Any) -> tuple[Any, ...]:
        first = clean_name(value)
        canon = canonical_first_name(first)
        return first_token(first), canon, name_forms(first), sound(canon)

    def family(value: Any) -> tuple[Any, ...]:
        surname = clean_name(value)
        return surname, sound(surname.replace(" ", "") if surname else None)

    def birth(value: Any) -> tuple[Any, ...]:
        dob = clean_dob(value, today=today)
        return (dob.isoformat(), swapped(dob), dob.year) if dob else (None, None, None)

    def postcode(value: Any) -> tuple[Any, ...]:
        cleaned = clean_postcode(value)
        return cleaned, cleaned.split(" ")[0] if cleaned else None

    def year(value: Any) -> int | None:
        return int(float(value)) if present(value) else None

    out: dict[str, Any] = {"unique_id": np.asarray(unique_ids, dtype="int64")}
    for names, fn, source in (
        (("first_name", "first_name_canon", "first_name_forms", "first_name_sound"), given, "given_name"),
        (("surname", "surname_sound"), family, "family_name"),
        (("dob", "dob_swapped", "dob_year"), birth, "date_of_birth"),
        (("postcode", "postcode_district"), postcode, "postcode"),
    ):
        parts = _per_value(column(source), fn)
        for i, name in enumerate(names):
            values = np.empty(n, dtype=object)  # filled element by element: lists must stay elements
            values[:] = [p[i] for p in parts]
            out[name] = values
    stated = _per_value(column("birth_year"), year)
    estimated = _per_value(column("estimated_age"), year)
    stated_on = _per_value(column("first_seen_on"), lambda v: stated_year(v, today))
    out["birth_year"] = [
        d if d is not None else (s if s is not None else (on - a if a is not None else None))
        for d, s, a, on in zip(out.pop("dob_year"), stated, estimated, stated_on, strict=True)
    ]
    for name in ("nhs_number", "pnc_id", "prison_number"):
        out[name] = _per_value(column(name), clean_identifier)
    out["initials"] = [
        initials(f, s, i) for f, s, i in zip(out["first_name"], out["surname"], column("initials"), strict=True)
    ]
    return pd.DataFrame(out, columns=list(COLUMNS))
