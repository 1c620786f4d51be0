"""gunicorn's settings for `make serve` (and production): `gunicorn -c kontaktdichte/gunicorn.conf.py`.

Access log lines carry method, path, status, size and time, never the client's address or the
query string (which may hold a customer number or a filter): ids in paths only, as the app's
own logs."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "sync"
timeout = 60
graceful_timeout = 30
# Recycle workers now and then (memory); jitter so they do not restart together.
max_requests = 5000
max_requests_jitter = 500
wsgi_app = "kontaktdichte.wsgi:application"
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
