"""Rows to the engine's dataclasses: the only bridge between the ORM and `policies.engine`.

A fixed number of queries whatever the number of rule sets: job centres, closing days, rule
sets and rules are read once each and assembled in Python.
"""

from __future__ import annotations

from collections import defaultdict

from . import engine, reasons
from .calendar import WorkingCalendar
from .models import ClosingDay, ContactRule, JobCentre, RuleSet


def _amount(value, unit):
    return engine.Amount(value, unit) if value is not None and unit else None


def rule_from_row(row: ContactRule) -> engine.Rule:
    return engine.Rule(
        label=row.label,
        code=row.code or None,
        conditions=engine.Conditions(
            age_band=row.age_band or None,
            employment=frozenset(row.employment),
            profiles=frozenset(row.profiles),
            care=frozenset(row.care),
            flags=frozenset(row.flags),
            in_measure=row.in_measure,
            integrated_employment=frozenset(row.integrated_employment),
            unemployed_months_min=row.unemployed_months_min,
            unemployed_months_below=row.unemployed_months_below,
        ),
        deadline=None if row.individual else _amount(row.deadline_amount, row.deadline_unit),
        window=_amount(row.window_amount, row.window_unit),
        cap_at_benefit_renewal=row.cap_at_benefit_renewal,
        first_contact_exempt=row.first_contact_exempt,
        key=row.pk,
    )


def render_stored_reasons(stored, rule_set: RuleSet | None, rule: ContactRule | None) -> tuple[str, ...]:
    """A customer's stored reasons in German, with its stored rule set and rule rows: what
    `reasons.to_stored` left out is read from them as the engine reads them."""
    return reasons.render_stored(
        stored,
        rule_set_from_row(rule_set, ()) if rule_set is not None else None,
        rule_from_row(rule) if rule is not None else None,
    )


def rule_set_from_row(row: RuleSet, rules) -> engine.RuleSet:
    return engine.RuleSet(
        title=row.title,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        rules=tuple(rule_from_row(r) for r in rules),
        qualifying_channels=frozenset(row.qualifying_channels),
        first_contact_target_days=row.first_contact_target_days,
        first_contact_max_days=row.first_contact_max_days,
        max_extension=_amount(row.max_extension_amount, row.max_extension_unit),
        profiling_review_months=row.profiling_review_months,
        graduate_management=row.graduate_management,
        graduate_days_before_end=row.graduate_days_before_end,
        graduate_follow_up_working_days=row.graduate_follow_up_working_days,
        employer_service_lead_months=row.employer_service_lead_months,
        key=row.pk,
    )


def load_policies(job_centre_ids=None) -> dict[int, engine.JobCentre]:
    """Every (or the given) job centre's policy, keyed by job centre id. Four queries."""
    centres = JobCentre.objects.all()
    rule_sets = RuleSet.objects.order_by("valid_from")
    rules = ContactRule.objects.order_by("position", "id")
    closing = ClosingDay.objects.all()
    if job_centre_ids is not None:
        centres = centres.filter(pk__in=job_centre_ids)
        rule_sets = rule_sets.filter(job_centre_id__in=job_centre_ids)
        rules = rules.filter(rule_set__job_centre_id__in=job_centre_ids)
        closing = closing.filter(job_centre_id__in=job_centre_ids)

    rules_by_set = defaultdict(list)
    for rule in rules:
        rules_by_set[rule.rule_set_id].append(rule)
    sets_by_centre = defaultdict(list)
    for rs in rule_sets:
        sets_by_centre[rs.job_centre_id].append(rule_set_from_row(rs, rules_by_set[rs.pk]))
    closing_by_centre = defaultdict(list)
    for day in closing:
        closing_by_centre[day.job_centre_id].append(day.date)

    return {
        c.pk: engine.JobCentre(
            slug=c.slug,
            name=c.name,
            calendar=WorkingCalendar(c.federal_state, closing_by_centre[c.pk]),
            rule_sets=tuple(sets_by_centre[c.pk]),
        )
        for c in centres
    }


def load_policy_by_slug() -> dict[str, engine.JobCentre]:
    return {p.slug: p for p in load_policies().values()}
