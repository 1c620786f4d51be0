"""The house rules a reader relies on, checked on the source (docs/architecture.md):

- apps import one way: audit ← policies ← caseload ← appointments ← employers ← reports ←
  survey ← privacy, and the shared helpers in kontaktdichte/ import none of them (the project's
  composition modules, URLs, settings and the demo command, may import all);
- every customer-scoped table carries `job_centre` and leads its indexes and unique constraints
  with it (the tenant);
- nothing points outside the repository; modules stay under 600 lines.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["audit", "policies", "caseload", "appointments", "employers", "reports", "survey", "privacy"]
# kontaktdichte/: the project. These modules (and its management commands) compose the apps and
# may import any of them; every other module of the package is a shared helper and imports none.
COMPOSITION = {
    "kontaktdichte/settings.py",
    "kontaktdichte/urls.py",
    "kontaktdichte/wsgi.py",
    "kontaktdichte/views.py",
    "kontaktdichte/apps.py",
    "kontaktdichte/health.py",
}


def is_composition(relative: str) -> bool:
    """The project's own modules that compose the apps: settings, URLs, its views and commands."""
    return relative in COMPOSITION or relative.startswith("kontaktdichte/management/")


OURS = set(LAYERS) | {"kontaktdichte"}


def sources():
    for package in [*LAYERS, "kontaktdichte"]:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield package, path


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):  # function-level imports count too
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & OURS


def test_apps_import_one_way():
    wrong = []
    for package, path in sources():
        relative = str(path.relative_to(ROOT))
        used = imported_packages(path) - {package}
        if package == "kontaktdichte":
            allowed = OURS if is_composition(relative) else set()
        else:
            allowed = set(LAYERS[: LAYERS.index(package)]) | {"kontaktdichte"}
        wrong += [f"{relative} imports {name}" for name in sorted(used - allowed)]
    assert wrong == []


# The brief the project was written from lies beside the repo, not in it: nothing may point there.
# Spelled in two parts so that this file does not point there itself.
OUTSIDE_BRIEF = "../" + "shared"


def test_shared_helpers_import_no_app_even_indirectly_through_the_composition():
    for package, path in sources():
        relative = str(path.relative_to(ROOT))
        if package == "kontaktdichte" and not is_composition(relative):
            assert imported_packages(path) <= {"kontaktdichte"}, relative


def test_nothing_points_outside_the_repository():
    offenders = []
    for path in ROOT.rglob("*"):
        if not path.is_file() or {".git", ".venv", ".venv-tools", "node_modules"} & set(path.parts):
            continue
        if path.suffix not in {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".json", ""} and path.name != "Makefile":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if OUTSIDE_BRIEF in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_modules_stay_under_600_lines():
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for _, path in sources()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    ]
    assert long == []


CUSTOMER_SCOPED = [
    m
    for m in apps.get_models()
    if m._meta.app_label in {"caseload", "appointments", "employers", "reports"}
    and not m._meta.model_name.startswith("historical")
    and any(f.name == "customer" for f in m._meta.get_fields())
]


def test_there_are_customer_scoped_tables_to_check():
    names = {m._meta.model_name for m in CUSTOMER_SCOPED}
    assert {"contactnote", "measure", "suspension", "appointment", "placementproposal"} <= names


@pytest.mark.parametrize(
    "model", [*CUSTOMER_SCOPED, apps.get_model("caseload", "Customer")], ids=lambda m: m._meta.label
)
def test_customer_scoped_tables_carry_the_job_centre_and_lead_their_indexes_with_it(model):
    meta = model._meta
    assert meta.get_field("job_centre").column == "job_centre_id"
    for index in meta.indexes:
        assert index.fields[0] == "job_centre", f"{meta.label}: index {index.name}"
    for constraint in meta.constraints:
        fields = getattr(constraint, "fields", ())
        if fields:
            assert fields[0] == "job_centre", f"{meta.label}: constraint {constraint.name}"


@pytest.mark.parametrize(
    "model", [*CUSTOMER_SCOPED, apps.get_model("caseload", "Customer")], ids=lambda m: m._meta.label
)
def test_every_customer_scoped_table_reaches_its_job_centre_through_an_index(model):
    """The job centre's rows are found by index (a job centre's deletion is refused by a lookup;
    a shard is cut by it): the foreign key's own index, or one that leads with it. The notes,
    measures and exceptions, written by the million, keep no second one beside theirs."""
    meta = model._meta
    leading = [i.name for i in meta.indexes if i.fields[0] == "job_centre"] + [
        c.name for c in meta.constraints if getattr(c, "fields", ()) and c.fields[0] == "job_centre"
    ]
    own = meta.get_field("job_centre").db_index
    assert own or leading, meta.label
    if model._meta.model_name in {"contactnote", "measure", "suspension"}:
        assert not own, f"{meta.label}: {leading} lead with the job centre"
