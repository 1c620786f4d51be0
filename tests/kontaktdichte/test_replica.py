"""The replica router: list and report views read from the replica when one is configured;
everything else, and every write, stays on the primary."""

from django.test import RequestFactory, override_settings

from kontaktdichte.replica import REPLICA, ReplicaRouter, replica_reads

DATABASES_WITH_REPLICA = {"default": {}, REPLICA: {}}


def reads_inside(view_decorated: bool) -> str:
    router = ReplicaRouter()
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(None)
        seen["write"] = router.db_for_write(None)
        return None

    (replica_reads(view) if view_decorated else view)(RequestFactory().get("/"))
    return seen["read"], seen["write"]


def test_marked_views_read_from_the_replica_and_write_to_the_primary(settings):
    with override_settings(DATABASES=DATABASES_WITH_REPLICA):
        assert reads_inside(True) == (REPLICA, "default")
        assert reads_inside(False) == ("default", "default")
        assert ReplicaRouter().db_for_read(None) == "default"  # after the view: the primary again


def test_without_a_replica_everything_stays_on_the_primary():
    with override_settings(DATABASES={"default": {}}):
        assert reads_inside(True) == ("default", "default")


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "caseload") and not router.allow_migrate(REPLICA, "caseload")


def test_the_lists_and_reports_are_marked_and_the_customer_page_is_not():
    from caseload import views as caseload_views
    from reports import views as report_views

    def marked(view):
        while view is not None:
            if view.__code__ is replica_reads(lambda r: r).__code__:
                return True
            view = getattr(view, "__wrapped__", None)
        return False

    assert all(
        marked(v)
        for v in (
            caseload_views.worklist,
            caseload_views.team_overdue,
            report_views.monthly,
            report_views.capacity_view,
            report_views.gcfak_view,
        )
    )
    assert not marked(caseload_views.customer_detail)
