"""`record`: one audit event, written where the thing happens (a view that shows a customer,
a service that changes one, an export), and the receivers for logins."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .models import Event


def record(
    action: str,
    *,
    user=None,
    customer=None,
    job_centre_id: int | None = None,
    customer_id: int | None = None,
    obj=None,
    what: str = "",
    rows: int | None = None,
) -> Event:
    """Write one event. `customer` (a Customer) gives customer and job centre (else give their
    ids); `obj` a changed record of the customer (a note, a measure ...), stored as its type and id."""
    return Event.objects.create(
        action=action,
        user_id=getattr(user, "pk", None) if user is not None and user.is_authenticated else None,
        job_centre_id=customer.job_centre_id if customer is not None else job_centre_id,
        customer_id=customer.pk if customer is not None else customer_id,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        what=what[:60],
        rows=rows,
    )


def _user_id_for(username) -> int | None:
    """The id of an existing user by that name; a mistyped name (perhaps a password typed into
    the wrong field) is not kept."""
    if not username:
        return None
    return get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()


def on_login(sender, request, user, **kwargs):
    record(Event.LOGIN, user=user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(Event.LOGOUT, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    Event.objects.create(action=Event.LOGIN_FAILED, user_id=_user_id_for(credentials.get("username")))


def on_locked_out(sender, request=None, username=None, **kwargs):
    Event.objects.create(action=Event.LOCKED_OUT, user_id=_user_id_for(username))
