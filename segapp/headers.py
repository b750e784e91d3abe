"""Security headers on every response, and no caching of pages that hold personal data."""

from flask import request
from werkzeug.wrappers import Response

# No inline script or style and no eval: scripts and styles come from static files, and htmx
# runs with allowEval off (so no htmx on-event attributes, no js: values, no trigger filters).
# Images also as data: URIs: a letter's preview shows the pictures embedded in its .docx (a logo, a signature)
# that way, never fetched from elsewhere (services/documents/preview.py keeps no other image source).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """Set the security headers; pages, fragments and downloads (personal data) are never stored."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response
