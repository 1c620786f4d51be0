"""A rule set's scheduling rules as pure functions: intersected hours, field visits in the
afternoon first, the letter's lead time, and the German sentences. No database."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from appointments import scheduling
from appointments.slots import BERLIN, free_slots, intersect
from policies.calendar import WorkingCalendar
from policies.models import without_legal_notice_heading

MONDAY = date(2026, 5, 11)  # Thursday 14.05.2026 is Ascension Day in Bavaria
BAVARIA = WorkingCalendar("BY")
COBURG = SimpleNamespace(
    bookable_channels=["in_person", "group"],
    qualifying_channels=["in_person"],
    office_hours_only=True,
    letters_name_opening_hours=True,
)
WEIMAR = SimpleNamespace(
    bookable_channels=["in_person", "phone", "video", "group"],
    qualifying_channels=["in_person", "phone", "email", "group"],
    office_hours_only=False,
    letters_name_opening_hours=False,
)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def slots(**kwargs):
    defaults = dict(
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=6),
        not_before=at(MONDAY, 0),
        hours={d: [(time(8), time(16))] for d in range(5)},
        opening=None,
        busy=[],
        is_working_day=BAVARIA.is_working_day,
        minutes=60,
        preparation=0,
    )
    return free_slots(**{**defaults, **kwargs})


# --- Hours within opening hours ------------------------------------------------------------------


def test_working_hours_within_opening_hours_keep_only_the_common_times():
    working = {d: [(time(7, 30), time(15, 18))] for d in range(5)}
    opening = {d: [(time(8), time(12, 30))] for d in range(5)}
    opening[3] = [(time(8), time(12, 30)), (time(14), time(18))]
    opening[5] = [(time(9), time(12))]  # open on Saturday, but nobody works then
    assert intersect(working, opening) == {
        0: [(time(8), time(12, 30))],
        1: [(time(8), time(12, 30))],
        2: [(time(8), time(12, 30))],
        3: [(time(8), time(12, 30)), (time(14), time(15, 18))],
        4: [(time(8), time(12, 30))],
    }


def test_hours_that_only_touch_have_nothing_in_common():
    assert intersect({0: [(time(8), time(12))]}, {0: [(time(12), time(16))]}) == {}
    assert intersect({0: [(time(8), time(12))]}, {}) == {}


# --- Field visits: the afternoon first -----------------------------------------------------------


def test_field_visits_come_in_the_afternoon_first():
    found = slots(afternoon_first=True, limit=4)
    assert [s.start for s in found] == [at(MONDAY, 12), at(MONDAY, 13), at(MONDAY, 14), at(MONDAY, 15)]
    assert all(s.afternoon for s in found)


def test_field_visits_fall_back_to_mornings_when_the_afternoons_are_full():
    busy = [(at(MONDAY + timedelta(days=n), 12), at(MONDAY + timedelta(days=n), 16)) for n in range(7)]
    busy.append((at(MONDAY, 8), at(MONDAY, 10)))
    found = slots(afternoon_first=True, busy=busy, limit=3)
    assert [s.start for s in found] == [at(MONDAY, 10), at(MONDAY, 11), at(MONDAY + timedelta(days=1), 8)]


def test_field_visits_before_the_due_date_come_before_afternoons_after_it():
    # Afternoons are taken on the due day: its morning beats later afternoons.
    busy = [(at(MONDAY, 12), at(MONDAY, 16))]
    found = slots(afternoon_first=True, busy=busy, due_by=MONDAY, limit=3)
    assert [s.start for s in found] == [at(MONDAY, 8), at(MONDAY, 9), at(MONDAY, 10)]
    assert [s.after_due for s in found] == [False, False, False]
    found = slots(afternoon_first=True, busy=busy, due_by=MONDAY, limit=6)
    assert found[4].start == at(MONDAY + timedelta(days=1), 12) and found[4].after_due


def test_noon_counts_as_afternoon():
    found = slots(hours={0: [(time(11), time(13))]}, afternoon_first=True, limit=2)
    assert [(s.start, s.afternoon) for s in found] == [(at(MONDAY, 12), True), (at(MONDAY, 11), False)]


def test_without_afternoon_first_slots_stay_in_time_order():
    assert slots(limit=2)[0].start == at(MONDAY, 8)


# --- The invitation letter's lead time -----------------------------------------------------------


def test_a_letter_needs_its_working_days_holidays_not_counted():
    friday = MONDAY - timedelta(days=3)
    assert scheduling.letter_in_time_from(BAVARIA, friday, 3) == MONDAY + timedelta(days=2)  # Wednesday
    # From Monday: Tuesday, Wednesday, (Ascension Day), Friday
    assert scheduling.letter_in_time_from(BAVARIA, MONDAY, 3) == MONDAY + timedelta(days=4)
    assert scheduling.letter_in_time_from(BAVARIA, MONDAY, 0) is None


def test_slots_before_the_letter_can_arrive_are_marked():
    found = slots(hours={d: [(time(9), time(10))] for d in range(5)}, letter_from=MONDAY + timedelta(days=2), limit=3)
    assert [(s.start.date(), s.letter_late) for s in found] == [
        (MONDAY, True),
        (MONDAY + timedelta(days=1), True),
        (MONDAY + timedelta(days=2), False),
    ]


def test_the_lead_hint_names_the_first_day_in_time():
    assert scheduling.letter_lead_hint(3, date(2026, 5, 15)) == (
        "Eine Einladung per Brief braucht 3 Arbeitstage Vorlauf: für einen Termin vor dem 15.05.2026 kommt sie "
        "nicht rechtzeitig an. Laden Sie dann bitte auf anderem Weg ein, z. B. telefonisch."
    )
    assert "braucht einen Arbeitstag Vorlauf" in scheduling.letter_lead_hint(1, date(2026, 5, 12))


# --- Which contacts are booked, which count ------------------------------------------------------


def test_coburg_refuses_a_phone_appointment_with_the_seeds_meaning():
    assert scheduling.not_bookable("phone", COBURG.bookable_channels) == (
        "Nach dem Kontaktdichtekonzept werden nur persönliche Kunden- oder Arbeitgeberkontakte und "
        "Gruppeninformationen als Termin vereinbart, keine Telefongespräche. Telefonate gehören zum regulären "
        "Dienstgeschäft und werden nicht im Kalender geplant."
    )
    assert scheduling.not_bookable("video", COBURG.bookable_channels) == (
        "Nach dem Kontaktdichtekonzept werden nur persönliche Kunden- oder Arbeitgeberkontakte und "
        "Gruppeninformationen als Termin vereinbart, keine Videogespräche."
    )


def test_the_refusal_is_built_from_any_rule_sets_list():
    assert scheduling.not_bookable("in_person", ["group"]) == (
        "Nach dem Kontaktdichtekonzept werden nur Gruppeninformationen als Termin vereinbart, keine persönlichen "
        "Kunden- oder Arbeitgeberkontakte."
    )
    assert scheduling.not_bookable("group", ["video", "in_person", "phone"]) == (
        "Nach dem Kontaktdichtekonzept werden nur persönliche Kunden- oder Arbeitgeberkontakte, Telefongespräche "
        "und Videogespräche als Termin vereinbart, keine Gruppeninformationen."
    )


def test_the_form_hint_names_what_it_leaves_out_and_why():
    hint = scheduling.not_bookable_hint({"video": "per Video", "phone": "telefonisch"}, COBURG.bookable_channels)
    assert hint == (
        "Nach dem Kontaktdichtekonzept werden nur persönliche Kunden- oder Arbeitgeberkontakte und "
        "Gruppeninformationen als Termin vereinbart: „telefonisch“ und „per Video“ stehen deshalb "
        "nicht zur Wahl. Telefonate gehören zum regulären Dienstgeschäft und werden nicht im Kalender "
        "geplant."
    )
    assert scheduling.not_bookable_hint({}, WEIMAR.bookable_channels) is None


def test_not_counting_names_each_channel_once_in_vocabulary_order():
    assert scheduling.not_counting_hint(iter(["group", "video", "group"])) == (
        "Nach dem Kontaktdichtekonzept zählt ein Videogespräch oder eine Gruppeninformation nicht als "
        "qualifizierter Kontakt: der fällige Kontakt bleibt offen."
    )
    assert scheduling.not_counting_hint([]) is None
    assert not scheduling.counts("group", COBURG) and scheduling.counts("group", WEIMAR)
    assert scheduling.counts("phone", None) and scheduling.is_bookable("phone", None)  # no rule set in force


# --- Opening hours in words ----------------------------------------------------------------------

THURSDAY_LATE = {0: [(time(8), time(12, 30))], 3: [(time(14), time(18)), (time(8), time(12, 30))]}


def test_outside_opening_hours_names_the_days_hours():
    assert scheduling.outside_opening_hours("Regionalstelle Coburg", 3, THURSDAY_LATE) == (
        "Termine in der Regionalstelle liegen nach dem Kontaktdichtekonzept in den Öffnungszeiten: Regionalstelle "
        "Coburg hat donnerstags von 08:00 bis 12:30 und von 14:00 bis 18:00 Uhr geöffnet. Für einen Außendienst "
        "gilt das nicht."
    )
    assert "Regionalstelle Coburg ist samstags geschlossen." in scheduling.outside_opening_hours(
        "Regionalstelle Coburg", 5, THURSDAY_LATE
    )


def test_opening_hours_lines_group_days_with_the_same_hours():
    mornings = [(time(8), time(12, 30))]
    hours = {
        0: mornings,
        1: mornings,
        2: mornings,
        3: mornings + [(time(14), time(18))],
        4: mornings,
        5: [(time(9), time(11))],
        6: [(time(9), time(11))],
    }
    assert scheduling.opening_hours_lines(hours) == [
        "Montag bis Mittwoch: 08:00–12:30 Uhr",
        "Donnerstag: 08:00–12:30 und 14:00–18:00 Uhr",
        "Freitag: 08:00–12:30 Uhr",
        "Samstag und Sonntag: 09:00–11:00 Uhr",
    ]
    assert scheduling.opening_hours_lines({0: mornings, 2: mornings}) == [
        "Montag: 08:00–12:30 Uhr",
        "Mittwoch: 08:00–12:30 Uhr",
    ]
    assert scheduling.opening_hours_lines({}) == []


def test_letters_name_opening_hours_only_for_integrated_needy_customers_where_the_rule_set_says_so():
    assert scheduling.letter_names_opening_hours(COBURG, "integrated_needy")
    assert not scheduling.letter_names_opening_hours(COBURG, "market_close")
    assert not scheduling.letter_names_opening_hours(WEIMAR, "integrated_needy")
    assert not scheduling.letter_names_opening_hours(None, "integrated_needy")


# --- The legal notice's heading ------------------------------------------------------------------


def test_a_legal_notice_loses_a_heading_of_its_own():
    assert without_legal_notice_heading("Rechtsfolgenbelehrung: Kommen Sie ohne wichtigen Grund nicht …") == (
        "Kommen Sie ohne wichtigen Grund nicht …"
    )
    assert without_legal_notice_heading("RECHTSFOLGENBELEHRUNG\n\nKommen Sie …") == "Kommen Sie …"
    assert without_legal_notice_heading("Kommen Sie …") == "Kommen Sie …"
    assert without_legal_notice_heading("Rechtsfolgenbelehrungen gelten …") == "Rechtsfolgenbelehrungen gelten …"
    assert without_legal_notice_heading("") == ""
