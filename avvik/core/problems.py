"""Problem details (RFC 9457): the one shape of every error the API answers.

``{"type", "title", "status", "detail"}`` as ``application/problem+json``, with field
errors, where there are any, in the extension member ``errors`` (``{"json": {field:
[messages]}, "query": ..., "headers": ...}``, as webargs/marshmallow name them).

``type`` is ``https://avvik.no/problems/<slug>``, one stable slug per kind of problem
(``PROBLEM_TYPES``), so that a client can tell apart two answers with one status (an
illegal step and a concurrent edit are both 409). ``title`` and ``detail`` are in the
request's language (bokmål or English by ``Accept-Language``); ``type`` never changes.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://avvik.no/problems/"

#: slug -> (status, title). Titles are short and fixed per slug; the detail varies.
PROBLEM_TYPES: dict[str, tuple[int, Any]] = {
    "bad-request": (400, _l("Bad request")),
    "unauthorized": (401, _l("Authentication required")),
    "forbidden": (403, _l("Forbidden")),
    "not-found": (404, _l("Not found")),
    "method-not-allowed": (405, _l("Method not allowed")),
    "conflict": (409, _l("Conflict")),
    "illegal-step": (409, _l("Step not possible in the case's state")),
    "concurrent-edit": (409, _l("Changed by someone else")),
    "payload-too-large": (413, _l("Request too large")),
    "unsupported-media-type": (415, _l("Unsupported media type")),
    "validation-failed": (422, _l("Invalid input")),
    "idempotency-key-reused": (422, _l("Idempotency-Key used for another request")),
    "too-many-requests": (429, _l("Too many requests")),
    "internal-error": (500, _l("Internal server error")),
    "service-unavailable": (503, _l("Service unavailable")),
}

#: The slug of a status when nothing more precise is known.
DEFAULT_SLUGS = {status: slug for slug, (status, _title) in reversed(PROBLEM_TYPES.items())}


def slug_for(status: int) -> str:
    return DEFAULT_SLUGS.get(status, "bad-request" if status < 500 else "internal-error")


def problem_body(status: int, detail: str | None = None, *, slug: str | None = None,
                 errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The problem document of ``status`` (and ``slug``, by default the status's own)."""
    slug = slug or slug_for(status)
    body: dict[str, Any] = {"type": TYPE_BASE + slug,
                            "title": str(PROBLEM_TYPES[slug][1]) if slug in PROBLEM_TYPES
                            else slug, "status": status}
    body["detail"] = str(detail) if detail else body["title"] + "."
    if errors:
        body["errors"] = errors
    return body


def problem(status: int, detail: str | None = None, *, slug: str | None = None,
            errors: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    """The response: problem details as ``application/problem+json``."""
    return current_app.response_class(
        current_app.json.dumps(problem_body(status, detail, slug=slug, errors=errors)),
        status=status, mimetype=MEDIA_TYPE, headers=headers or {})


def too_many_requests(retry_after_seconds: int, detail: str | None = None) -> Response:
    """The 429 a rate limiter answers with, and when to try again."""
    return problem(429, detail or str(_l(
        "Too many requests. Try again after the seconds given in Retry-After.")),
        headers={"Retry-After": str(max(1, int(retry_after_seconds)))})
