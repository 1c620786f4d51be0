"""The survey's evaluation per office and quarter, with nothing shown of small groups.

The threshold (`MIN_GROUP`, five): an office's quarter with fewer responses shows neither its
number nor an average nor a free text ("weniger als 5"); a question answered fewer than five
times there shows no average. So that the hidden cannot be worked out from the shown, every
sum is taken over shown figures only: an office's overall average over its shown questions,
the job centre's over its shown offices (never "all offices minus the shown ones"). Free texts
are listed only for shown groups, in alphabetical order (never in the order they came in) and
without any other attribute of the response.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from appointments.models import Office
from reports.gcfak import Quarter

from .models import Answer, Response

MIN_GROUP = 5
HIDDEN = f"weniger als {MIN_GROUP}"


def shown(count: int) -> bool:
    return count >= MIN_GROUP


@dataclass(frozen=True)
class QuestionResult:
    question_id: int
    text: str
    low_label: str
    high_label: str
    answers: int | None  # None: fewer than MIN_GROUP
    average: float | None


@dataclass
class OfficeResult:
    office: Office
    responses: int | None  # None: fewer than MIN_GROUP
    questions: list[QuestionResult] = field(default_factory=list)
    free_texts: list[str] = field(default_factory=list)

    @property
    def average(self) -> float | None:
        """The mean of all shown answers (questions with a shown average only)."""
        counted = [q for q in self.questions if q.average is not None]
        answers = sum(q.answers for q in counted)
        return sum(q.average * q.answers for q in counted) / answers if answers else None


def _quarter_scope(job_centre_id: int, quarter: Quarter) -> dict:
    return {"job_centre_id": job_centre_id, "year": quarter.year, "quarter": quarter.number}


def evaluate(job_centre_id: int, quarter: Quarter, *, free_texts_for: int | None = None) -> list[OfficeResult]:
    """Every office of the job centre for the quarter, by name; the free texts of the office
    `free_texts_for` (when its group is shown). 4 queries (5 with free texts): offices,
    responses per office, answers per office and question (with the question), and the free
    texts."""
    offices = list(Office.objects.filter(job_centre_id=job_centre_id).order_by("name"))
    scope = _quarter_scope(job_centre_id, quarter)
    counts = dict(
        Response.objects.filter(**scope).values("office_id").annotate(n=Count("pk")).values_list("office_id", "n")
    )
    stats = defaultdict(list)
    for row in (
        Answer.objects.filter(
            job_centre_id=job_centre_id, response__year=quarter.year, response__quarter=quarter.number
        )
        .values(
            "response__office_id",
            "question_id",
            "question__text",
            "question__low_label",
            "question__high_label",
            "question__position",
        )
        .annotate(n=Count("pk"), total=Sum("value"))
        .order_by("response__office_id", "question__position", "question_id")
    ):
        stats[row["response__office_id"]].append(row)
    results = []
    for office in offices:
        count = counts.get(office.pk, 0)
        result = OfficeResult(office=office, responses=count if shown(count) else None)
        if result.responses is not None:
            result.questions = [
                QuestionResult(
                    question_id=row["question_id"],
                    text=row["question__text"],
                    low_label=row["question__low_label"],
                    high_label=row["question__high_label"],
                    answers=row["n"] if shown(row["n"]) else None,
                    average=row["total"] / row["n"] if shown(row["n"]) else None,
                )
                for row in stats.get(office.pk, [])
            ]
            if office.pk == free_texts_for:
                result.free_texts = free_texts(job_centre_id, office.pk, quarter)
        results.append(result)
    return results


def free_texts(job_centre_id: int, office_id: int, quarter: Quarter) -> list[str]:
    """The free texts of a shown group, alphabetically; none for a hidden group (one query:
    every response of the group, so that the group's size is counted in the same read)."""
    texts = list(
        Response.objects.filter(**_quarter_scope(job_centre_id, quarter), office_id=office_id).values_list(
            "free_text", flat=True
        )
    )
    if not shown(len(texts)):
        return []
    return sorted((t for t in texts if t), key=str.casefold)


def centre_average(results: list[OfficeResult]) -> tuple[int, float | None]:
    """Responses and average over the shown offices only."""
    visible = [r for r in results if r.responses is not None]
    averages = [(r.average, sum(q.answers for q in r.questions if q.average is not None)) for r in visible]
    answers = sum(n for avg, n in averages if avg is not None)
    average = sum(avg * n for avg, n in averages if avg is not None) / answers if answers else None
    return sum(r.responses for r in visible), average


# --- Exports -----------------------------------------------------------------------------------

HEADER = ("Regionalstelle", "Quartal", "Frage", "Antworten", "Durchschnitt (1–5)")
FREE_TEXT_HEADER = ("Regionalstelle", "Quartal", "Freitext")


def export_rows(results: list[OfficeResult], quarter: Quarter):
    """One row per office and question; a hidden group is one row saying so."""
    for result in results:
        if result.responses is None:
            yield (result.office.name, quarter.label, "", HIDDEN, None)
            continue
        yield (result.office.name, quarter.label, "Antwortbögen", result.responses, None)
        for q in result.questions:
            yield (
                result.office.name,
                quarter.label,
                q.text,
                q.answers if q.answers is not None else HIDDEN,
                round(q.average, 2) if q.average is not None else None,
            )


def free_text_rows(job_centre_id: int, results: list[OfficeResult], quarter: Quarter):
    """Free texts of the shown groups, each with nothing but its office and quarter."""
    for result in results:
        if result.responses is None:
            continue
        for text in free_texts(job_centre_id, result.office.pk, quarter):
            yield (result.office.name, quarter.label, text)
