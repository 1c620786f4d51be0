"""The seeds' rule sets' names and the helpers the rule-set tests share."""

from datetime import date

from policies.engine import Contact, Customer, evaluate

MG, COBURG, WEIMAR, EN = "moenchengladbach", "coburg-land", "weimarer-land", "jobagentur-en"

UE25 = date(1975, 4, 10)  # 25 and older on every date below
LONG_AGO = date(2011, 1, 3)  # a registration before every contact below

# The fixture's rule labels, in the order DOMAIN.md lists the rules.
MG_U25 = "Vermittlung U25 (monatlich)"
MG_FM = "Fallmanagement (größtmögliche Individualisierung)"
MG_MARKET = "Marktprofil, Aktivierungsprofil"
MG_PROMOTION = "Förderprofil, Entwicklungsprofil"
MG_STABILISATION = "Stabilisierungsprofil, Unterstützungsprofil"
MG_Z_I = "Profillage Z und Profillage I"

CO_BFM = "Beschäftigungsorientiertes Fallmanagement (bFM)"
CO_U25 = "U25, arbeitslos"
CO_MEASURE = "Arbeitsuchende Maßnahmeteilnehmer (Absolventenmanagement)"
CO_CLOSE = "Ü25, arbeitslos, marktnah"
CO_FAR = "Ü25, arbeitslos, nicht marktnah"
CO_SEEKING = "Arbeitsuchend, U25 und Ü25 (auch arbeitsunfähig, geförderte Beschäftigung)"
CO_NONE = "Ohne Status (auch § 10 SGB II)"
CO_IH = "Integriert, aber hilfebedürftig"

WL_REFUGEE = "Flucht/Asyl mit Status arbeitslos (bis auf Weiteres)"
WL_FM = "Fallmanagement"
WL_HOLISTIC = "Ganzheitliche Betreuung (spätestens zum WBA)"
WL_U25 = "Unter 25"
WL_MEASURE = "In Maßnahmen (Bergfestgespräch, Absolventenmanagement)"
WL_CLOSE = "Integrationsprognose marktnah"
WL_FAR_LONG = "Nicht marktnah, 12 Monate und länger arbeitslos"
WL_FAR = "Nicht marktnah, unter 12 Monaten arbeitslos"
WL_IH_INSURED = "Integriert, aber hilfebedürftig (sozialversicherungspflichtig beschäftigt)"
WL_IH_SELF = "Integriert, aber hilfebedürftig (selbständig)"
WL_Z = "Zuordnung nicht erforderlich (Z)"

RULES_IN_ORDER = {
    MG: [MG_FM, MG_U25, MG_MARKET, MG_PROMOTION, MG_STABILISATION, MG_Z_I],
    COBURG: [CO_BFM, CO_U25, CO_MEASURE, CO_CLOSE, CO_FAR, CO_SEEKING, CO_NONE, CO_IH],
    WEIMAR: [
        WL_REFUGEE,
        WL_FM,
        WL_HOLISTIC,
        WL_U25,
        WL_MEASURE,
        WL_CLOSE,
        WL_FAR_LONG,
        WL_FAR,
        WL_IH_INSURED,
        WL_IH_SELF,
        WL_Z,
    ],
}


def person(born=UE25, registered=LONG_AGO, *, flags=(), measures=(), suspensions=(), **facts):
    return Customer(
        birth_date=born,
        registered_on=registered,
        flags=frozenset(flags),
        measures=tuple(measures),
        suspensions=tuple(suspensions),
        **facts,
    )


def seen(day, channel="in_person", follow_up=None):
    return Contact(date=day, channel=channel, follow_up_on=follow_up)


def decide(policies, slug, customer, contacts, on):
    return evaluate(policies[slug], customer, list(contacts), on)


def outcome(decision):
    """(rule label, code, window opens, due by) for one readable comparison."""
    return (decision.rule.label if decision.rule else None, decision.code, decision.window_opens, decision.due_by)


def mentions(decision, text):
    return any(text in reason for reason in decision.reasons)
