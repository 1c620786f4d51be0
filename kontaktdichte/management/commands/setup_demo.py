"""The local demo, set up on every `make run`; safe to repeat.

1. No job centre yet: load fixtures/rulesets.json. Only then: loading it again on every start
   would overwrite an admin's edits to the rule sets.
2. Mönchengladbach's documented rule set ended on 31.12.2016: when none of its rule sets is in
   force today, continue the last one (same rules, labelled as a continuation).
3. A job centre of the demo without customers gets a small generated caseload (fixed seed);
   its contact notes then get the codes of the rules that matched on their days.
4. Demo logins with the password "demo", only with DEBUG on: demo-caseworker (with a caseload
   that has overdue customers), demo-teamlead (the same team), demo-admin (superuser).
5. Stored due dates that are stale are recomputed (as `recompute_due --due-only`).
6. Offices, opening and working hours and a week of appointments per caseworker
   (`appointments.demo`), each only where none exist yet.
7. The demo team's absences this month (a leave week, a sickness day, in Coburg Land a day on
   the immediate-placement desk), once, so the share page shows what they take away.
8. GCfaK: the acquisition sources' owners, the Beratungstag's events over the last year with the
   customers won there, and six customers of demo-caseworker imported from the specialist
   system (`caseload.demo_intake`), once.
9. Tasks (`caseload.demo_tasks`): follow-up activities agreed in the demo caseworker's notes,
   some overdue, some followed up; Kooperationspläne; group information sessions with
   participants, attendance recorded for the past one (`appointments.demo_groups`); one GCfaK
   case closed through "Fall abschließen". Each once.
10. The employer service (`employers.demo`): demo-arbeitgeber in Weimarer Land's team
    "Arbeitgeberservice", employers with contact persons, offers, notes, appointments and
    placement proposals, and where the employer service can be reached (JobAgentur EN: its
    standard, Monday to Friday 8-17), each once.
11. JobAgentur EN's customer survey (`survey.demo`): questionnaire, a tablet per office, answers
    in Regionalstelle Ennepetal (shown) and Witten (too few: hidden), once.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from appointments.demo import ensure_absences, ensure_demo
from appointments.demo_groups import ensure_group_sessions
from caseload import demo, demo_intake
from caseload.demo_tasks import ensure_closed_gcfak_case, ensure_tasks
from caseload.duedates import stamp_note_codes
from caseload.models import Customer, Staff, Team
from employers import demo as employer_demo
from kontaktdichte import formats
from policies.cloning import clone_rule_set
from policies.models import JobCentre, RuleSet
from policies.signals import bump_policy_version
from reports.models import CustomerMonth
from survey import demo as survey_demo
from survey.models import Kiosk

DEMO_SEED = 20170101
DEMO_CUSTOMERS = 600  # across the three job centres, split as in caseload.demo.SHARES
DEMO_CASELOAD = 60
DEMO_CASELOAD_OVERDUE = 10
DEMO_PASSWORD = "demo"
DEMO_TEAM_CENTRE = "coburg-land"
MG_SLUG = "moenchengladbach"
MG_CONTINUATION_TITLE = "Kundenkontaktdichtekonzept Jobcenter Mönchengladbach (Fortschreibung)"


def continue_moenchengladbach(today=None) -> str | None:
    """Continue Mönchengladbach's documented rule set (ended 2016) as a labelled new version.

    Does nothing when a rule set is in force today; returns what it did, in German.
    """
    today = today or timezone.localdate()
    centre = JobCentre.objects.filter(slug=MG_SLUG).first()
    if centre is None or RuleSet.objects.filter(job_centre=centre).in_force_on(today).exists():
        return None
    last = RuleSet.objects.filter(job_centre=centre, valid_from__lte=today).order_by("-valid_from").first()
    if last is None or last.valid_until is None:
        return None
    ended = f"„{last.title}“ endete am {formats.day(last.valid_until)}"
    with transaction.atomic():
        version = JobCentre.objects.values_list("policy_version", flat=True).get(pk=centre.pk)
        continued = clone_rule_set(last, valid_from=last.valid_until + timedelta(days=1), title=MG_CONTINUATION_TITLE)
        # Due dates stored as "no rule set" must be recomputed under the continuation.
        if JobCentre.objects.values_list("policy_version", flat=True).get(pk=centre.pk) == version:
            bump_policy_version(centre.pk)
    return f"{centre.name}: {ended}; fortgeschrieben als „{continued.title}“ ab {formats.day(continued.valid_from)}."


class Command(BaseCommand):
    help = "Richtet die lokale Demo ein (nur mit DEBUG=true): Konzepte, Demo-Daten, Demo-Zugänge."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Adresse für die Anmeldehinweise.")

    def handle(self, *args, url="http://127.0.0.1:8000/", **options):
        if not settings.DEBUG:
            raise CommandError(
                "setup_demo legt Demo-Zugänge mit dem Passwort „demo“ an und läuft deshalb nur mit "
                "DEBUG=true. Für einen Betrieb: Konzepte mit „manage.py loaddata rulesets“ laden und "
                "Benutzer mit „manage.py createsuperuser“ bzw. im Admin anlegen."
            )
        today = timezone.localdate()
        if not JobCentre.objects.exists():
            call_command("loaddata", "rulesets", verbosity=0)
            self.stdout.write("Kontaktdichtekonzepte geladen (fixtures/rulesets.json).")
        message = continue_moenchengladbach(today)
        if message:
            self.stdout.write(message)
        self._generate_missing(today)
        users = self._demo_users()
        employer_service = self._employer_service(users)  # before the working hours are set up
        call_command("recompute_due", due_only=True, stdout=self.stdout)
        caseload = self._demo_caseload(users.get("demo-caseworker"), today)
        self._demo_appointments(today)
        self._demo_absences(caseload.get("staff"), users.get("demo-teamlead"), today)
        self._demo_intake(caseload.get("staff"), today)
        self._demo_tasks(caseload.get("staff"), today)
        self._demo_employers(employer_service, today)
        self._demo_survey(today)
        # The monthly report reads stored figures: a year and a month of them the first time
        # (a report's trend), then the running month (as the nightly task does).
        months = 1 if CustomerMonth.objects.exists() else 13
        call_command("store_report_figures", months=months, stdout=self.stdout)
        self._print_logins(url, users, caseload, today, employer_service)

    def _generate_missing(self, today):
        shares = demo.split(DEMO_CUSTOMERS, list(demo.DEMO_SLUGS))
        for centre in JobCentre.objects.filter(slug__in=demo.DEMO_SLUGS).order_by("slug"):
            if Customer.objects.filter(job_centre=centre).exists():
                continue
            stats = demo.generate(customers=shares[centre.slug], seed=DEMO_SEED, job_centres=[centre], today=today)
            stamp_note_codes(centre.pk)
            self.stdout.write(
                f"{centre.name}: {stats['customers']} Demo-Kunden, {stats['teams']} Teams, "
                f"{stats['staff']} Mitarbeitende angelegt."
            )

    def _demo_users(self) -> dict:
        team = (
            Team.objects.filter(job_centre__slug=DEMO_TEAM_CENTRE, name__startswith="Team Markt").order_by("pk").first()
        )
        users = {
            "demo-admin": self._user("demo-admin", "Demo", "Administration", superuser=True),
            "demo-datenschutz": self._data_protection_officer(),
        }
        if team is None:
            self.stderr.write(f"Kein Team in {DEMO_TEAM_CENTRE}: demo-caseworker und demo-teamlead fehlen.")
            return users
        for username, last_name, role in (
            ("demo-caseworker", "Fachkraft", Staff.CASEWORKER),
            ("demo-teamlead", "Teamleitung", Staff.TEAM_LEAD),
        ):
            user = self._user(username, "Demo", last_name)
            Staff.objects.get_or_create(
                user=user, defaults={"job_centre_id": team.job_centre_id, "team": team, "role": role}
            )
            users[username] = user
        return users

    def _data_protection_officer(self):
        """The data-protection role: the audit trail and Art. 15 disclosures, no caseload, no admin."""
        user = self._user("demo-datenschutz", "Demo", "Datenschutz")
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="audit", codename__in=["view_event", "export_customer_data"]
            )
        )
        return user

    def _user(self, username, first_name, last_name, superuser=False):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:  # an existing demo user keeps a password an admin may have changed
            user = User(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@demo.example",
                is_staff=superuser,
                is_superuser=superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            self.stdout.write(f"Demo-Zugang {username} angelegt.")
        return user

    def _demo_caseload(self, user, today) -> dict:
        """Give demo-caseworker customers of the team, some of them overdue today (once)."""
        if user is None:
            return {}
        staff = Staff.objects.select_related("team", "job_centre").get(user=user)
        mine = Customer.objects.filter(job_centre_id=staff.job_centre_id, caseworker=staff)
        if not mine.exists():
            team = Customer.objects.filter(job_centre_id=staff.job_centre_id, team_id=staff.team_id)
            overdue = list(team.overdue(today).order_by("pk").values_list("pk", flat=True)[:DEMO_CASELOAD_OVERDUE])
            others = list(
                team.exclude(pk__in=overdue).order_by("pk").values_list("pk", flat=True)[: DEMO_CASELOAD - len(overdue)]
            )
            team.filter(pk__in=overdue + others).update(caseworker=staff)
            # An update sends no post_save: the stored report figures follow by hand.
            CustomerMonth.objects.filter(job_centre_id=staff.job_centre_id, customer_id__in=overdue + others).update(
                caseworker=staff
            )
        return {
            "staff": staff,
            "customers": mine.count(),
            "overdue": mine.overdue(today).count(),
        }

    def _demo_appointments(self, today):
        """Offices, opening and working hours, a week of appointments per caseworker (once)."""
        stats = ensure_demo(today)
        if any(stats.values()):
            self.stdout.write(f"Termine: {stats['offices']} Regionalstellen, {stats['appointments']} Termine angelegt.")

    def _demo_absences(self, staff, lead_user, today):
        if staff is None or lead_user is None:
            return
        created = ensure_absences(staff, lead_user, today)
        if created:
            self.stdout.write(f"{created} Abwesenheiten im Demo-Team angelegt.")

    def _demo_intake(self, staff, today):
        for centre in JobCentre.objects.filter(slug__in=demo.DEMO_SLUGS).order_by("slug"):
            made = demo_intake.ensure_sources(centre, today, DEMO_SEED)
            if made:
                self.stdout.write(
                    f"{centre.name}: {made['events']} Beratungstage mit {made['customers']} Kunden angelegt (GCfaK)."
                )
        if staff is not None:
            done = demo_intake.ensure_imported(staff, today)
            if done:
                self.stdout.write(f"{done['create']} Kunden aus dem Fachverfahren importiert (demo-caseworker).")

    def _demo_tasks(self, staff, today):
        """Agreements to follow up, plans, group sessions with participants, a closed GCfaK case (once)."""
        written = ensure_tasks(staff, today)
        sessions = ensure_group_sessions(staff, today)
        if written or sessions:
            self.stdout.write(f"Aufgaben: {written} Vereinbarungen, {sessions} Gruppeninformationen angelegt.")
        closed = ensure_closed_gcfak_case(staff, today)
        if closed is not None:
            self.stdout.write(f"GCfaK: Fall {closed.number} abgeschlossen (Arbeitsstelle angenommen).")

    def _employer_service(self, users):
        """demo-arbeitgeber: the role employer service in Weimarer Land."""
        if not JobCentre.objects.filter(slug=employer_demo.CENTRE).exists():
            return None
        user = self._user("demo-arbeitgeber", "Demo", "Arbeitgeberservice")
        users["demo-arbeitgeber"] = user
        return employer_demo.ensure_staff(user)

    def _demo_employers(self, staff, today):
        """Its employers, offers and proposals; the employer service's hours (once)."""
        if staff is None:
            return
        stats = employer_demo.ensure_demo(staff, today)
        if stats["employers"] or stats["desks"]:
            self.stdout.write(
                f"Arbeitgeberservice: {stats['employers']} Arbeitgeber, {stats['proposals']} "
                f"Vermittlungsvorschläge, {stats['desks']} Erreichbarkeiten angelegt."
            )

    def _demo_survey(self, today):
        stats = survey_demo.ensure_demo(today)
        if stats["surveys"]:
            self.stdout.write(
                f"Kundenbefragung: {stats['responses']} Antwortbögen, {stats['kiosks']} Tablet-Adressen angelegt."
            )

    def _print_logins(self, url, users, caseload, today, employer_service=None):
        lines = ["", f"Demo-Zugänge für {url} (Passwort jeweils „{DEMO_PASSWORD}“):"]
        staff = caseload.get("staff")
        if staff is not None:
            lines.append(
                f"  demo-caseworker  Integrationsfachkraft, {staff.team.name}, {staff.job_centre.name}: "
                f"eigene Arbeitsliste ({caseload['customers']} Kunden, am {formats.day(today)} "
                f"{caseload['overdue']} überfällig), Kunden des Teams, Beratungsvermerke, Ausnahmen, Maßnahmen"
            )
            lines.append(
                f"  demo-teamlead    Teamleitung {staff.team.name}, {staff.job_centre.name}: "
                "alle Kunden des Teams, Überfällige im Team, Kunden importieren (/kunden/import/)"
            )
        lines.append(
            "  demo-admin       Fachadministration (Superuser): Django-Admin unter "
            f"{url.rstrip('/')}/admin/ – Konzepte, Regeln, Teams, Benutzer"
        )
        lines.append(
            "  demo-datenschutz Datenschutz: Protokoll (wer hat was gelesen, geändert, exportiert) "
            "und Auskunft nach Art. 15 DSGVO; keine Fallbearbeitung"
        )
        if employer_service is not None:
            lines.append(
                f"  demo-arbeitgeber Arbeitgeberservice, {employer_service.job_centre.name}: eigene Startseite "
                "(AG-S-Aufträge, offene Stellenangebote, Vorschläge ohne Rückmeldung), Arbeitgeber, Termine"
            )
        kiosk = (
            Kiosk.objects.filter(office__job_centre__slug=survey_demo.CENTRE, office__name=survey_demo.ANSWERS[0][0])
            .select_related("office")
            .first()
        )
        if kiosk is not None:
            lines.append(
                f"  Kundenbefragung  Tablet {kiosk.office.name} (ohne Anmeldung): "
                f"{url.rstrip('/')}{reverse('survey:kiosk', args=[kiosk.token])}; Auswertung als demo-admin "
                f"unter {url.rstrip('/')}{reverse('survey:results')}"
            )
        coburg = RuleSet.objects.filter(job_centre__slug=DEMO_TEAM_CENTRE).in_force_on(today).first()
        if coburg is not None:
            lines.append(
                "  Regeländerung    als demo-admin: Konzept ändern, dann „Auswirkungen prüfen“ unter "
                f"{url.rstrip('/')}{reverse('admin:policies_ruleset_change', args=[coburg.pk])} (nichts wird "
                "gespeichert); oder: python manage.py preview_rule_change --rules docs/rule-change-example.json "
                "(Coburg Land, „Ü25, arbeitslos, marktnah“ alle 6 Wochen statt alle 2 Monate)"
            )
        lines.append("")
        self.stdout.write("\n".join(lines))
