"""Helpers for answering htmx requests."""

from flask import Response, request


def wants_fragment() -> bool:
    """True when htmx asks for a fragment: not a boosted request, not a history restore."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def add_vary_header(response: Response) -> Response:
    """Responses differ by HX-Request, so caches must know."""
    response.vary.add("HX-Request")
    return response
