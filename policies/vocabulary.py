"""Canonical codes (English, as in docs/engine-contract.md) and their German labels.

One place for every code the rules and the engine read, so that models, forms, the engine's
command and the fixtures agree.
"""

EMPLOYMENT = [
    ("unemployed", "arbeitslos"),
    ("jobseeking", "arbeitsuchend"),
    ("none", "ohne Status"),
]
PROFILES = [
    ("market", "Marktprofil"),
    ("activation", "Aktivierungsprofil"),
    ("promotion", "Förderprofil"),
    ("development", "Entwicklungsprofil"),
    ("stabilisation", "Stabilisierungsprofil"),
    ("support", "Unterstützungsprofil"),
    ("market_close", "marktnah"),
    ("market_far", "nicht marktnah"),
    ("integrated_needy", "Integriert, aber hilfebedürftig (IH)"),
    ("not_required", "Zuordnung nicht erforderlich (Z)"),
]
CARE = [
    ("placement", "Arbeitsvermittlung"),
    ("case_management", "Fallmanagement (bFM)"),
    ("holistic", "ganzheitliche Betreuung"),
]
FLAGS = [
    ("refugee", "Flucht/Asyl"),
    ("incapacitated", "arbeitsunfähig (AU)"),
    ("subsidised_employment", "geförderte Beschäftigung (EGZ, FAV)"),
    ("limited_german", "ohne hinreichende Deutschkenntnisse"),
    ("section_10", "§ 10 SGB II (Unzumutbarkeit)"),
]
INTEGRATED_EMPLOYMENT = [
    ("insured", "sozialversicherungspflichtig"),
    ("self_employed", "selbständig"),
]
CHANNELS = [
    ("in_person", "persönlich"),
    ("phone", "telefonisch"),
    ("email", "E-Mail"),
    ("video", "Video"),
    ("group", "Gruppe"),
]
# Channels an appointment can be booked in (email is not an appointment).
BOOKABLE_CHANNELS = [(code, label) for code, label in CHANNELS if code != "email"]
AGE_BANDS = [
    ("u25", "unter 25"),
    ("ue25", "25 und älter"),
]
UNITS = [
    ("days", "Tage"),
    ("weeks", "Wochen"),
    ("months", "Monate"),
]
FEDERAL_STATES = [
    ("BW", "Baden-Württemberg"),
    ("BY", "Bayern"),
    ("BE", "Berlin"),
    ("BB", "Brandenburg"),
    ("HB", "Bremen"),
    ("HH", "Hamburg"),
    ("HE", "Hessen"),
    ("MV", "Mecklenburg-Vorpommern"),
    ("NI", "Niedersachsen"),
    ("NW", "Nordrhein-Westfalen"),
    ("RP", "Rheinland-Pfalz"),
    ("SL", "Saarland"),
    ("SN", "Sachsen"),
    ("ST", "Sachsen-Anhalt"),
    ("SH", "Schleswig-Holstein"),
    ("TH", "Thüringen"),
]

EMPLOYMENT_CODES = [c for c, _ in EMPLOYMENT]
PROFILE_CODES = [c for c, _ in PROFILES]
CARE_CODES = [c for c, _ in CARE]
FLAG_CODES = [c for c, _ in FLAGS]
INTEGRATED_EMPLOYMENT_CODES = [c for c, _ in INTEGRATED_EMPLOYMENT]
CHANNEL_CODES = [c for c, _ in CHANNELS]
BOOKABLE_CHANNEL_CODES = [c for c, _ in BOOKABLE_CHANNELS]
UNIT_CODES = [c for c, _ in UNITS]

LABELS = {
    code: label
    for choices in (EMPLOYMENT, PROFILES, CARE, FLAGS, INTEGRATED_EMPLOYMENT, CHANNELS, AGE_BANDS)
    for code, label in choices
}

_UNIT_SINGULAR = {"days": "Tag", "weeks": "Woche", "months": "Monat"}
_UNIT_PLURAL = dict(UNITS)
_UNIT_DATIVE_PLURAL = {"days": "Tagen", "weeks": "Wochen", "months": "Monaten"}
_APPROX_DAYS = {"days": 1.0, "weeks": 7.0, "months": 30.44}


def default_channels():
    return ["in_person"]


def default_bookable_channels():
    return list(BOOKABLE_CHANNEL_CODES)


def unit_label(unit, amount=2, dative=False):
    if amount == 1:
        return _UNIT_SINGULAR[unit]
    return (_UNIT_DATIVE_PLURAL if dative else _UNIT_PLURAL)[unit]


def approx_days(amount, unit):
    """Only for comparing lengths given in different units (a window against a deadline)."""
    return amount * _APPROX_DAYS[unit]


def label(code):
    return LABELS.get(code, code)
