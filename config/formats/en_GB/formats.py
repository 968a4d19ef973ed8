"""Dates written one way everywhere, the GOV.UK way: "8 January 2027" (ADR 0036)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = r"j F Y \a\t H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"]
FIRST_DAY_OF_WEEK = 1
