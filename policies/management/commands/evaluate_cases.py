import json
import sys

from django.core.management.base import BaseCommand

from policies.cases import CaseError, evaluate_document
from policies.loading import load_policy_by_slug


class Command(BaseCommand):
    help = (
        "Evaluate example cases against the rule sets in the database "
        "(docs/engine-contract.md). Reads a JSON file, or - for standard input."
    )

    def add_arguments(self, parser):
        parser.add_argument("cases", help="path to CASES.json, or - for standard input")

    def handle(self, *args, cases, **options):
        try:
            if cases == "-":
                text = sys.stdin.read()
            else:
                with open(cases, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as error:
            self._fail(f"Datei nicht lesbar: {error.strerror}: {cases}")
        try:
            document = json.loads(text)
        except ValueError as error:
            self._fail(f"Eingabe ist kein JSON: {error}")
        try:
            answers, all_ok = evaluate_document(document, load_policy_by_slug())
        except CaseError as error:
            self._fail(str(error))
        self.stdout.write(json.dumps(answers, ensure_ascii=False, indent=2))
        if not all_ok:
            sys.exit(1)

    def _fail(self, message):
        self.stderr.write(" ".join(message.split()))
        sys.exit(2)
