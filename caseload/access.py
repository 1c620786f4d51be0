"""Who may see which customer: one place for the scoping every caseload page goes through.

A user works in the caseload pages through a `Staff` profile. Caseworkers and team leads see
the customers of their own team in their own job centre (caseworkers stand in for each other,
so the whole team, not only their own caseload); anything else is a 404, so a URL does not
even tell whether a customer exists elsewhere. Admins without a Staff profile work in the
Django admin; the caseload pages show them a friendly 403 (`staff_required`).
"""

from __future__ import annotations

from functools import cache, wraps

from django.contrib.auth import get_user_model
from django.db import router
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from kontaktdichte import loads
from policies.models import ContactRule, JobCentre, RuleSet

from .models import Customer, FollowUpActivity, Measure, Staff, Suspension, Team


@cache
def _staff_sql() -> str:
    """The staff member of a user, with team and job centre (`loads`: a read every page makes)."""
    s, t, j = (Staff, "s"), (Team, "t"), (JobCentre, "j")
    return (
        f"SELECT {loads.select(s, t, j)} FROM {loads.table(*s)}"
        + loads.join("INNER", t, s, "team")
        + loads.join("INNER", j, s, "job_centre")
        + f" WHERE {loads.column('s', Staff, 'user')} = %s"
    )


def staff_for(user) -> Staff | None:
    """The user's Staff profile with team and job centre, in one query (None without one).
    `staff.user` is the very user object given, not a second copy from the join: every page
    runs this, so the query is kept to what a page needs (no user join, no ordering)."""
    if not user.is_authenticated:
        return None
    found = loads.one(router.db_for_read(Staff), _staff_sql(), [user.pk], Staff, Team, JobCentre)
    if found is None:
        return None
    staff, team, job_centre = found
    staff.team, staff.job_centre = team, job_centre
    staff.user = user
    return staff


@cache
def _customer_read() -> tuple[str, tuple]:
    """A customer of a team, with caseworker (and their user), rule and rule set: what the
    customer pages show (`loads`: every customer page and form reads it). SQL and models."""
    User = get_user_model()
    c, w, u, r, rs = (Customer, "c"), (Staff, "w"), (User, "u"), (ContactRule, "r"), (RuleSet, "rs")
    sql = (
        f"SELECT {loads.select(c, w, u, r, rs)} FROM {loads.table(*c)}"
        + loads.join("LEFT", w, c, "caseworker")
        + loads.join("LEFT", u, w, "user")
        + loads.join("LEFT", r, c, "due_rule")
        + loads.join("LEFT", rs, c, "due_rule_set")
        + f" WHERE {loads.column('c', Customer, 'job_centre')} = %s AND {loads.column('c', Customer, 'team')} = %s"
        + f" AND {loads.column('c', Customer, 'pk')} = %s"
    )
    return sql, (Customer, Staff, User, ContactRule, RuleSet)


def team_customers(staff: Staff) -> QuerySet[Customer]:
    """Every customer the staff member may open: their team, in their job centre."""
    return Customer.objects.filter(job_centre_id=staff.job_centre_id, team_id=staff.team_id)


def get_customer_for_user(user, pk: int, *, staff: Staff | None = None) -> Customer:
    """The customer `pk` with what its page shows, or 404 when it is not in the user's team.
    Its job centre and team are the staff member's (the query asks for no other), so they are
    taken from the profile instead of joined again."""
    staff = staff or staff_for(user)
    if staff is None:
        raise Http404("Kein Zugriff auf Kundendaten ohne Mitarbeiterprofil.")
    using, (sql, models) = router.db_for_read(Customer), _customer_read()
    found = (
        loads.one(using, sql, [staff.job_centre_id, staff.team_id, pk], *models)
        if loads.fits(using, Customer, pk)
        else None
    )
    if found is None:
        raise Http404("Kein Kunde Ihres Teams.")
    customer, caseworker, user, rule, rule_set = found
    if caseworker is not None:
        caseworker.user = user
    customer.caseworker, customer.due_rule, customer.due_rule_set = caseworker, rule, rule_set
    customer.job_centre, customer.team = staff.job_centre, staff.team
    return customer


def get_measure_for_customer(customer: Customer, pk: int) -> Measure:
    """A measure of this customer (404 for anyone else's, whatever its id)."""
    measure = get_object_or_404(Measure, pk=pk, customer_id=customer.pk, job_centre_id=customer.job_centre_id)
    measure.customer = customer
    return measure


def get_suspension_for_customer(customer: Customer, pk: int) -> Suspension:
    """A documented exception of this customer (404 for anyone else's, whatever its id)."""
    suspension = get_object_or_404(Suspension, pk=pk, customer_id=customer.pk, job_centre_id=customer.job_centre_id)
    suspension.customer = customer
    return suspension


def get_activity_for_customer(customer: Customer, pk: int) -> FollowUpActivity:
    """A follow-up activity of this customer (404 for anyone else's, whatever its id)."""
    activity = get_object_or_404(FollowUpActivity, pk=pk, customer_id=customer.pk, job_centre_id=customer.job_centre_id)
    activity.customer = customer
    return activity


def staff_required(view):
    """Run `view` with `request.staff` set; users without a Staff profile get a 403 page that
    points them to the admin. Anonymous users never get here (LoginRequiredMiddleware)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        staff = staff_for(request.user)
        if staff is None:
            return render(request, "caseload/no_staff.html", status=403)
        request.staff = staff
        return view(request, *args, **kwargs)

    return wrapper
