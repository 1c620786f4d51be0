"""An import file's rows between its preview and its confirmation (`caseload.imports`)."""

import uuid

from django.conf import settings
from django.db import models

from policies.models import JobCentre

from .models import Team


class PendingImport(models.Model):
    """An import file's rows between its preview and its confirmation (`caseload.imports`): the
    uploaded file itself is read in memory and never written to disk. The rows are deleted when
    the import is confirmed or discarded, and `imports.KEEP_MINUTES` after the upload at the
    latest (by the next upload and by the nightly `apply_retention`). The id in the preview's
    address is random; only the person who uploaded the file can open it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job_centre = models.ForeignKey(JobCentre, on_delete=models.CASCADE, related_name="+")
    # The team lead's team: every row goes to it. None (admin, command): the rows name their teams.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    header = models.JSONField(default=list)
    rows = models.JSONField(default=list)  # [[line in the file, [cell, ...]], ...] as text

    class Meta:
        verbose_name = "Import (Vorschau)"
        verbose_name_plural = "Importe (Vorschau)"
        default_permissions = ()

    def __str__(self):
        return f"Import {self.pk}"
