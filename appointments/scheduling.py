"""What a rule set says about scheduling, as pure functions returning German sentences: which
contacts are booked as appointments (`RuleSet.bookable_channels`), which of them count as a
qualified contact (`qualifying_channels`), office appointments within opening hours
(`office_hours_only`), the invitation letter's lead time (`invitation_lead_working_days`) and
opening hours named in letters (`letters_name_opening_hours`). No database, no clock: the
callers pass channel codes, hours ({weekday: [(start, end)]}) and a working calendar.
"""

from __future__ import annotations

from datetime import date, time

from kontaktdichte import formats
from policies import vocabulary as voc

WEEKDAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_WEEKDAY_ADVERBS = ("montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags", "sonntags")

# As they follow "nur …" and "keine …" (the adjective declines after "keine").
_BOOKED = {
    "in_person": ("persönliche Kunden- oder Arbeitgeberkontakte", "persönlichen Kunden- oder Arbeitgeberkontakte"),
    "phone": ("Telefongespräche", "Telefongespräche"),
    "video": ("Videogespräche", "Videogespräche"),
    "group": ("Gruppeninformationen", "Gruppeninformationen"),
}
# Why a channel is not booked, where the seeds say so (Coburg Land 001 §2.1).
_NOT_BOOKED_BECAUSE = {
    "phone": "Telefonate gehören zum regulären Dienstgeschäft und werden nicht im Kalender geplant.",
}
_ONE = {
    "in_person": "ein persönliches Gespräch",
    "phone": "ein Telefongespräch",
    "email": "eine E-Mail",
    "video": "ein Videogespräch",
    "group": "eine Gruppeninformation",
}

# Letters name the opening hours for this profile only (Coburg Land 001 §2.2: "Integrierten
# aber hilfebedürftigen Kundinnen und Kunden ist die persönliche Meldung … zu ermöglichen").
REPORTS_WITHOUT_APPOINTMENT = "integrated_needy"


def join(items, last: str = "und") -> str:
    """'A', 'A und B', 'A, B und C'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _in_order(channels, codes=voc.BOOKABLE_CHANNEL_CODES) -> list[str]:
    wanted = set(channels)
    return [code for code in codes if code in wanted]


def _booked_only(bookable) -> str:
    allowed = _in_order(bookable)
    if not allowed:
        return "Nach dem Kontaktdichtekonzept werden keine Termine vereinbart"
    return f"Nach dem Kontaktdichtekonzept werden nur {join(_BOOKED[c][0] for c in allowed)} als Termin vereinbart"


def _reasons(channels) -> str:
    return "".join(f" {_NOT_BOOKED_BECAUSE[c]}" for c in _in_order(channels) if c in _NOT_BOOKED_BECAUSE)


def is_bookable(channel: str, rule_set) -> bool:
    return rule_set is None or channel in rule_set.bookable_channels


def not_bookable(channel: str, bookable) -> str:
    """The refusal of an appointment in `channel`, built from the rule set's list."""
    return f"{_booked_only(bookable)}, keine {_BOOKED[channel][1]}.{_reasons([channel])}"


def not_bookable_hint(left_out: dict[str, str], bookable) -> str | None:
    """Why the booking form leaves options out: {channel: the option's label}."""
    if not left_out:
        return None
    labels = [f"„{left_out[c]}“" for c in _in_order(left_out)]
    verb = "steht" if len(labels) == 1 else "stehen"
    return f"{_booked_only(bookable)}: {join(labels)} {verb} deshalb nicht zur Wahl.{_reasons(left_out)}"


def counts(channel: str, rule_set) -> bool:
    return rule_set is None or channel in rule_set.qualifying_channels


def not_counting_hint(channels) -> str | None:
    """Said before booking an appointment that will not move the due date."""
    ordered = _in_order(channels, voc.CHANNEL_CODES)
    if not ordered:
        return None
    return (
        f"Nach dem Kontaktdichtekonzept zählt {join((_ONE[c] for c in ordered), 'oder')} nicht als "
        f"qualifizierter Kontakt: der fällige Kontakt bleibt offen."
    )


# --- Opening hours ----------------------------------------------------------------------------


def binds_to_opening_hours(rule_set) -> bool:
    """Office appointments only within the office's opening hours (field visits never are)."""
    return bool(rule_set is not None and rule_set.office_hours_only)


def _hm(t: time) -> str:
    return f"{t:%H:%M}"


def spans(day_hours) -> str:
    """'von 08:00 bis 12:30 und von 14:00 bis 18:00 Uhr'."""
    parts = [f"von {_hm(start)} bis {_hm(end)}" for start, end in sorted(day_hours)]
    return f"{join(parts)} Uhr"


def outside_opening_hours(office_name: str, weekday: int, hours) -> str:
    day_hours = hours.get(weekday, ())
    when = (
        f"hat {_WEEKDAY_ADVERBS[weekday]} {spans(day_hours)} geöffnet"
        if day_hours
        else f"ist {_WEEKDAY_ADVERBS[weekday]} geschlossen"
    )
    return (
        f"Termine in der Regionalstelle liegen nach dem Kontaktdichtekonzept in den Öffnungszeiten: "
        f"{office_name} {when}. Für einen Außendienst gilt das nicht."
    )


def no_opening_hours(office_name: str, *, bound: bool = True) -> str:
    """`bound`: the rule set keeps office appointments within opening hours, so none can be booked."""
    if not bound:
        return (
            f"Für {office_name} sind keine Öffnungszeiten hinterlegt: jeder Termin dort gilt als außerhalb "
            f"der Öffnungszeiten."
        )
    return (
        f"Für {office_name} sind keine Öffnungszeiten hinterlegt; Termine in der Regionalstelle liegen "
        f"nach dem Kontaktdichtekonzept in den Öffnungszeiten. Bitte lassen Sie die Öffnungszeiten von "
        f"der Fachadministration erfassen."
    )


def opening_hours_lines(hours) -> list[str]:
    """Opening hours for a letter, one line per run of weekdays with the same hours:
    ['Montag bis Mittwoch: 08:00–12:30 Uhr', 'Donnerstag: 08:00–12:30 und 14:00–18:00 Uhr', ...]."""
    lines, run = [], []
    for weekday in [*range(7), None]:
        day_hours = sorted(hours.get(weekday, ())) if weekday is not None else []
        if run and (not day_hours or day_hours != run[0][1]):
            first, last = run[0][0], run[-1][0]
            days = (
                WEEKDAY_NAMES[first]
                if first == last
                else (
                    f"{WEEKDAY_NAMES[first]} und {WEEKDAY_NAMES[last]}"
                    if last == first + 1
                    else f"{WEEKDAY_NAMES[first]} bis {WEEKDAY_NAMES[last]}"
                )
            )
            times = join(f"{_hm(s)}–{_hm(e)}" for s, e in run[0][1])
            lines.append(f"{days}: {times} Uhr")
            run = []
        if day_hours:
            run.append((weekday, day_hours))
    return lines


def letter_names_opening_hours(rule_set, profile: str) -> bool:
    return bool(rule_set and rule_set.letters_name_opening_hours and profile == REPORTS_WITHOUT_APPOINTMENT)


# --- The invitation letter's lead time --------------------------------------------------------


def letter_in_time_from(calendar, today: date, lead_working_days: int) -> date | None:
    """The first day for which an invitation letter sent today arrives in time: appointments
    fewer than `lead_working_days` working days ahead come too soon for one."""
    if not lead_working_days:
        return None
    return calendar.add_working_days(today, lead_working_days)


def letter_lead_hint(lead_working_days: int, in_time_from: date) -> str:
    days = "einen Arbeitstag" if lead_working_days == 1 else f"{lead_working_days} Arbeitstage"
    return (
        f"Eine Einladung per Brief braucht {days} Vorlauf: für einen Termin vor dem "
        f"{formats.day(in_time_from)} kommt sie nicht rechtzeitig an. Laden Sie dann bitte auf anderem "
        f"Weg ein, z. B. telefonisch."
    )


LETTER_TOO_LATE = (
    "Eine Einladung per Brief kommt bis zu diesem Termin nicht rechtzeitig an: bitte auf "
    "anderem Weg einladen, z. B. telefonisch."
)
