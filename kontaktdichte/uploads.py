"""An upload handler that keeps a file in memory, up to a limit, and never on disk.

Django's default handlers write an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) to a
temporary file. A file of customers' personal data should not land in the server's temp folder
at all: this handler holds at most `limit` bytes in memory and skips a larger file (it is not in
`request.FILES`, and `too_big` says why), reading no more of it into memory. Install it before
the request's body is read, which means in a view exempt from the CSRF middleware that checks
the token itself afterwards (Django's documented pattern for per-view upload handlers)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class LimitedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, limit: int, request=None):
        super().__init__(request)
        self.limit = limit
        self.too_big = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer, self.size = io.BytesIO(), 0

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > self.limit:
            self.too_big = True
            self.buffer = io.BytesIO()
            raise SkipFile()
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
