"""Continue a rule set as a new version (Fortschreibung): copy it with its rules from a date on."""

from copy import deepcopy
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from kontaktdichte import formats

from .models import ContactRule, RuleSet

# simple_history stores change reasons in a CharField(max_length=100).
_REASON_MAX = 100


class CloneError(ValidationError):
    """The rule set cannot be continued as asked; the message tells the admin why (German)."""


def _copy_fields(source, exclude=()):
    return {
        field.attname: deepcopy(getattr(source, field.attname))
        for field in source._meta.concrete_fields
        if not field.primary_key and field.name not in exclude
    }


def _attribute(instance, by, reason):
    if by is not None:
        instance._history_user = by
    instance._change_reason = reason[:_REASON_MAX]


@transaction.atomic
def clone_rule_set(
    rule_set: RuleSet, *, valid_from: date, title: str | None = None, reference: str | None = None, by=None
) -> RuleSet:
    """Copy `rule_set` and its rules into a new rule set valid from `valid_from`.

    If the old rule set is still in force on `valid_from`, it ends the day before and the new
    one takes over its end date (often none). If it had already ended, it stays as it is and
    the new one is open-ended. Raises CloneError when the new period would start too early or
    overlap another rule set of the job centre; nothing is saved then.
    """
    old = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if valid_from <= old.valid_from:
        raise CloneError(
            f"Die neue Version muss nach dem Beginn des bisherigen Konzepts ({formats.day(old.valid_from)}) beginnen."
        )

    new = RuleSet(**_copy_fields(old))
    new.title = title or old.title
    new.reference = old.reference if reference is None else reference
    new.valid_from = valid_from
    still_in_force = old.valid_until is None or old.valid_until >= valid_from
    new.valid_until = old.valid_until if still_in_force else None

    if still_in_force:
        # Saved before validating the new one, so its overlap check sees the shortened period;
        # a CloneError below rolls this back.
        old.valid_until = valid_from - timedelta(days=1)
        _attribute(old, by, f"Beendet durch Fortschreibung ab {formats.day(valid_from)}")
        old.save(update_fields=["valid_until"])

    try:
        new.full_clean()
    except ValidationError as error:
        raise CloneError(error.messages) from error

    reason = f"Fortgeschrieben aus dem Konzept ab {formats.day(old.valid_from)} (Nr. {old.pk})"
    _attribute(new, by, reason)
    new.save()
    # One save per rule (not bulk_create) so that each copy gets its own history record.
    for rule in old.rules.order_by("position", "id"):
        copy = ContactRule(**_copy_fields(rule, exclude={"rule_set"}), rule_set=new)
        _attribute(copy, by, reason)
        copy.save()
    return new
