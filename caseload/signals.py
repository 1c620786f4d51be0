"""Signals of the caseload app, for apps that keep figures derived from a customer's history.

`history_changed`: a change inside a writing service reaches back before today (a back-dated
contact note, a measure or an exception that started earlier, a customer registered in the
past). Arguments: job_centre_id, customer_id, since (the earliest day it reaches). Sent inside
the transaction; a receiver that starts work elsewhere defers it with `transaction.on_commit`.
The reports app writes its stored month figures again (`reports.stored.refresh_customer`).
"""

from django.dispatch import Signal

history_changed = Signal()
