"""What would this rule change do? The admin's "Auswirkungen prüfen", for job centres too large
to preview in a page: nothing is written.

python manage.py preview_rule_change --rules konzept-vorschlag.json      # the admin's download
python manage.py preview_rule_change --continue 7 --valid-from 2027-01-01  # a Fortschreibung
python manage.py preview_rule_change --rules vorschlag.json --json bericht.json
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseload.whatif import customers_to_preview, preview, summary_lines
from kontaktdichte.commands import add_workers_argument, as_date, check_workers, german_number, progress_bar
from policies import whatif
from policies.models import RuleSet


class Command(BaseCommand):
    help = (
        "Zeigt, wie ein geänderter oder neuer Regelstand die Fälligkeiten der offenen Fälle eines "
        "Jobcenters verschieben würde, ohne etwas zu speichern."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--rules",
            metavar="DATEI",
            help="Ein Konzept mit seinen Regeln im Format von fixtures/rulesets.json (die Datei, die "
            "„Auswirkungen prüfen“ im Admin herunterlädt); mit seiner Nummer ersetzt es das gespeicherte, "
            'ohne ("pk": null) kommt es als neue Version hinzu.',
        )
        source.add_argument(
            "--continue",
            dest="continue_id",
            type=int,
            metavar="NR",
            help="Das gespeicherte Konzept NR mit denselben Regeln fortschreiben (mit --valid-from).",
        )
        parser.add_argument("--valid-from", metavar="JJJJ-MM-TT", help="Beginn der neuen Version (zu --continue).")
        parser.add_argument("--today", metavar="JJJJ-MM-TT", help="Heute (Standard: heute).")
        parser.add_argument(
            "--json", metavar="DATEI", help="Den Bericht als JSON schreiben ('-': auf die Standardausgabe)."
        )
        parser.add_argument("--chunk-size", type=int, default=2000, help="Kunden je Abschnitt (Standard: 2000).")
        add_workers_argument(parser)

    def handle(
        self, *args, rules=None, continue_id=None, valid_from=None, today=None, json=None, chunk_size=2000, **options
    ):
        if chunk_size < 1:
            raise CommandError("--chunk-size muss mindestens 1 sein.")
        workers = check_workers(options.get("workers"))
        today = as_date(today) or timezone.localdate()
        try:
            proposal = self._proposal(rules, continue_id, as_date(valid_from), today)
        except whatif.WhatIfError as error:
            raise CommandError(" ".join(error.messages)) from None
        total = customers_to_preview(proposal.job_centre_id)
        with progress_bar(total, "Auswirkungen") as bar:
            impact = preview(proposal, today=today, chunk_size=chunk_size, progress=bar.update, workers=workers)
        out = self.stderr if json == "-" else self.stdout
        for line in summary_lines(impact):
            out.write(line)
        out.write(self._table(impact))
        out.write(
            f"{german_number(impact.total.customers)} Fälle in {german_number(impact.seconds, 1)} s "
            f"({german_number(impact.per_second)} Fälle/s); nichts gespeichert."
        )
        if json:
            self._write_json(impact.as_json(), json)

    def _proposal(self, rules, continue_id, valid_from, today):
        if rules is not None:
            path = Path(rules)
            if not path.is_file():
                raise CommandError(f"Datei „{rules}“ nicht gefunden.")
            row, rule_rows = whatif.load(path.read_text(encoding="utf-8"))
            return whatif.propose(row, rule_rows, today=today)
        if valid_from is None:
            raise CommandError("--continue braucht --valid-from (Beginn der neuen Version).")
        rule_set = RuleSet.objects.filter(pk=continue_id).first()
        if rule_set is None:
            raise CommandError(f"Ein Konzept Nr. {continue_id} gibt es nicht.")
        return whatif.continuation(rule_set, valid_from=valid_from, today=today)

    @staticmethod
    def _table(impact) -> str:
        header = ("Team", "früher", "später", "gleich", "kommt/entfällt", "sofort überfällig", "nicht mehr überfällig")
        rows = [("Alle Teams", impact.total)] + [(t.team, t.tally) for t in impact.teams]
        lines = [header] + [
            (name, t.earlier, t.later, t.unchanged, t.other, t.newly_overdue, t.no_longer_overdue) for name, t in rows
        ]
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
        text = [
            "  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(line, widths)))
            for line in lines
        ]
        text.append("")
        text.append("Regel: vorher → nachher")
        text += [
            f"  {d.rule}: {d.before} → {d.after} ({'+' if d.change > 0 else ''}{d.change})"
            for d in impact.rules
            if d.change
        ]
        if not any(d.change for d in impact.rules):
            text.append("  keine Regel gewinnt oder verliert Kunden")
        return "\n".join(text)

    def _write_json(self, data, target):
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if target == "-":
            self.stdout.write(text)
        else:
            Path(target).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Bericht geschrieben: {target}")
