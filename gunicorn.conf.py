"""gunicorn's settings for TurkicNet: ``gunicorn -c gunicorn.conf.py wsgi:app``.

The environment may set WEB_CONCURRENCY (workers), BIND (host:port) or PORT (port on every
interface, as a platform that routes to $PORT expects); README "Running in production".
"""

import multiprocessing
import os

# Sync workers: each handles one request at a time, so more workers than cores keeps the
# cores busy while others wait on PostgreSQL or Redis (gunicorn's own rule of thumb).
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)

if os.environ.get("BIND"):
    bind = [os.environ["BIND"]]
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{os.environ['PORT']}"]
else:
    bind = ["127.0.0.1:8000"]  # behind a proxy on the same host

# A worker silent for this long is killed and replaced. Mail and periodic jobs run in the
# worker process, not in a request, and the proxy buffers an upload before passing it on, so a
# request still running after 30 s is stuck; the proxy's own read timeout should be longer.
timeout = 30
# On SIGTERM (a deploy, a restart) a worker finishes the requests it has, up to this long.
graceful_timeout = 30
# How long an idle kept-alive connection from the proxy stays open; a little longer than a
# proxy's own idle timeout would be wasteful, shorter makes it reconnect (sync workers close
# each connection anyway; this matters with --worker-class gthread).
keepalive = 5

# Each worker is replaced after about this many requests, so a slow leak never grows for
# long; the jitter keeps the workers from all restarting at the same moment.
max_requests = 1000
max_requests_jitter = 100

# One line per request on stdout: the request id (the X-Request-ID the app sends back, the
# same id its own log lines carry) and the time taken, in milliseconds.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s "%(f)s" "%(a)s"'
# gunicorn's own messages (worker started, killed, timed out) on stderr.
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")

# gunicorn's control socket (~/.gunicorn/gunicorn.ctl) is not used here, and two servers on
# one host would share its path: off.
control_socket_disable = True
