"""gunicorn's settings file for `make serve` (its command line gives the address, the workers and the timeout).

No `Server: gunicorn` header: naming the server software only tells an attacker which exploits to try. gunicorn
27.0.1 has no setting for it — its `Response.default_headers` always writes `Server: gunicorn` (`gunicorn.SERVER`)
— so the line is dropped from those default headers here. This file is run in the master process before the
workers fork, so every worker inherits the change.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
