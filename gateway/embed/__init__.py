"""The embeddable search widget partner sites load with one script tag.

``/embed/v1/widget.js`` is a static file; the versioned path lets a future widget change
its markup without breaking pages that pasted the v1 tag. Its searches go to the public
search API with the partner's key, so keys, quotas and allowed origins apply unchanged.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, request
from werkzeug.wrappers import Response

WIDGET = Path(__file__).with_name("widget.js")


@cache
def _widget() -> tuple[bytes, str]:
    body = WIDGET.read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:32]


def embed_blueprint() -> Blueprint:
    bp = Blueprint("embed", __name__)

    @bp.get("/embed/v1/widget.js")
    def widget() -> Response:
        """The widget's script, cacheable for an hour and revalidated by ETag."""
        body, etag = _widget()
        response = Response(body, content_type="text/javascript; charset=utf-8")
        response.set_etag(etag)
        response.headers["Cache-Control"] = "public, max-age=3600"
        # Loaded by pages on other origins, including ones that set
        # Cross-Origin-Embedder-Policy: require-corp.
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response.make_conditional(request)

    return bp
