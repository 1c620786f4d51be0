"""Import customers' master data and facts from the specialist system (CSV or XLSX; the columns
are in the README, "Kunden importieren", and in caseload/imports.py):

    python manage.py import_customers kunden.csv --job-centre coburg-land --dry-run
    python manage.py import_customers kunden.xlsx --job-centre coburg-land

The same plan and checks as the import pages: every row is checked first, and a file with a
faulty row imports nothing (exit status 1, the rows named). Otherwise all rows are written in one
transaction through the services (audit events without a user: the command is the operator's).
Possible duplicates (same name and birth date as another customer) stop the import unless
--accept-duplicates says they were checked. The "Team" column is required here.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseload import import_files, imports
from kontaktdichte.commands import as_date, german_number, progress_bar
from policies.commands import resolve_job_centres


class Command(BaseCommand):
    help = "Importiert Kundenstammdaten und Fakten aus einer CSV- oder XLSX-Datei des Fachverfahrens."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="DATEI", help="CSV (Semikolon, UTF-8) oder XLSX.")
        parser.add_argument("--job-centre", required=True, metavar="SLUG", help="Das Jobcenter (Kürzel).")
        parser.add_argument("--dry-run", action="store_true", help="Nur prüfen und zeigen, nichts speichern.")
        parser.add_argument(
            "--accept-duplicates",
            action="store_true",
            help="Mögliche Dubletten (gleicher Name und Geburtsdatum) sind geprüft: trotzdem importieren.",
        )
        parser.add_argument("--today", metavar="JJJJ-MM-TT", help="Stichtag (Standard: heute).")

    def handle(self, *args, file, job_centre, dry_run=False, accept_duplicates=False, today=None, **options):
        today = as_date(today) or timezone.localdate()
        (centre,) = resolve_job_centres([job_centre])
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Die Datei {file} gibt es nicht.")
        if path.stat().st_size > import_files.COMMAND_MAX_BYTES:
            raise CommandError(f"Die Datei ist größer als {import_files.megabytes(import_files.COMMAND_MAX_BYTES)} MB.")
        try:
            rows = import_files.read(
                path.name,
                path.read_bytes(),
                max_bytes=import_files.COMMAND_MAX_BYTES,
                max_rows=import_files.COMMAND_MAX_ROWS,
            )
            plan = imports.plan(centre, rows, team=None, today=today)
        except import_files.ImportFileError as error:
            raise CommandError(str(error)) from None

        self.stdout.write(f"{centre.name}: {german_number(len(plan.rows))} Zeilen – {plan.summary()}.")
        for row in plan.errors:
            self.stdout.write(f"  Zeile {row.line}: {row.message}")
        for row in plan.with_duplicates:
            self.stdout.write(
                f"  Zeile {row.line}: mögliche Dublette von Kunde {', '.join(row.duplicates)} "
                f"(gleicher Name und Geburtsdatum)."
            )
        if not plan.ok:
            raise CommandError(f"{german_number(len(plan.errors))} fehlerhafte Zeilen: nichts importiert.")
        if plan.with_duplicates and not accept_duplicates:
            raise CommandError("Mögliche Dubletten: nichts importiert (nach Prüfung mit --accept-duplicates).")
        if dry_run:
            self.stdout.write("Probelauf: nichts gespeichert.")
            return
        writes = plan.counts[imports.CREATE] + plan.counts[imports.CHANGE]
        try:
            with progress_bar(len(plan.rows), "Import") as bar:
                done = imports.apply(centre, plan, today=today, progress=bar.update)
        except imports.ImportRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Importiert: {german_number(done[imports.CREATE])} neu angelegt, "
            f"{german_number(done[imports.CHANGE])} geändert, {german_number(done[imports.UNCHANGED])} unverändert "
            f"({german_number(writes)} geschrieben)."
        )
