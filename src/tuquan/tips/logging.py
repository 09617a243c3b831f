"""Keeping the tipster's address out of the logs.

``DropTipClientAddress`` is a logging filter for the handlers (or loggers) that
see requests: for a request to the public tip channel it removes what could
identify the sender before the record is written. It understands the three
shapes of request records we produce:

* ``django.request`` / ``django.security.*``: ``record.request`` is the
  HttpRequest (its META holds REMOTE_ADDR, X-Forwarded-For, User-Agent);
* ``django.server`` (runserver): ``record.request`` is the socket and the
  message names the path;
* ``gunicorn.access``: ``record.args`` is the dict of access-log atoms.

The record is kept (errors must still be seen), without the request object
or the address atoms.
"""

from __future__ import annotations

import logging

# Path prefixes of the anonymous channel (pages and API).
ANONYMOUS_PREFIXES = ("/to-giac/", "/api/v1/public/tips")
# gunicorn atoms: h remote address, a user agent, f referer, plus headers.
_GUNICORN_ATOMS = ("h", "a", "f", "{x-forwarded-for}i", "{x-real-ip}i")


def is_anonymous_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in ANONYMOUS_PREFIXES)


class DropTipClientAddress(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if isinstance(path, str) and is_anonymous_path(path):
            # Error mails and reports would print the request's META; the
            # message itself still names the path.
            record.request = None
            return True
        args = record.args
        if isinstance(args, dict) and "U" in args:  # gunicorn.access
            if is_anonymous_path(str(args.get("U", ""))):
                record.args = {
                    key: ("-" if key in _GUNICORN_ATOMS else value)
                    for key, value in args.items()
                }
            return True
        if record.name == "django.server" and request is not None:
            message = record.getMessage()
            if any(f" {prefix}" in message for prefix in ANONYMOUS_PREFIXES):
                # runserver's record carries the socket (and with it the peer).
                record.request = None
        return True
