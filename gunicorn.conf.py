"""gunicorn settings, read from the working directory (or with --config gunicorn.conf.py).

gunicorn names itself in a `Server:` header of every response and has no setting to stop
it; the banner only tells an attacker what to look up, so it is dropped here.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self: wsgi.Response) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server  # type: ignore[method-assign]
