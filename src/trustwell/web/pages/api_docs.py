"""``/docs``: Swagger UI over ``/openapi.json``, from files this server serves itself.

FastAPI's own ``/docs`` loads Swagger UI from a CDN, so it stays blank on a
network without internet (where trustwell often runs: next to a warehouse).
Here the JavaScript and CSS come from the ``swagger-ui-bundle-v2`` package,
and the page's start-up code is a file too, so the page can forbid every
script that is not served by this server (no inline script, no other host).
"""

from __future__ import annotations

import re
from functools import cache

from fastapi import APIRouter
from starlette.responses import HTMLResponse, Response

router = APIRouter(include_in_schema=False)

#: Swagger UI draws with inline styles and data: images, and fetches the schema.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
#: The files of the bundle the page uses; nothing else of the package is reachable.
_ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
_SAFE_NAME = re.compile(r"^[a-z0-9.-]+$")

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>trustwell API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/start.js"></script>
</body>
</html>
"""

# FastAPI's defaults for its own /docs, with the schema of this app.
_START = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
"""


def _headers(cache_seconds: int) -> dict[str, str]:
    return {
        "Cache-Control": f"public, max-age={cache_seconds}",
        "X-Content-Type-Options": "nosniff",
    }


@router.get("/docs")
def api_docs() -> Response:
    """The browsable API: Swagger UI, every asset served by this server."""
    headers = _headers(0) | {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Referrer-Policy": "same-origin",
    }
    return HTMLResponse(_PAGE, headers=headers)


@router.get("/docs/assets/{name}")
def api_docs_asset(name: str) -> Response:
    """One file of the Swagger UI bundle (or the page's start-up script)."""
    if name == "start.js":
        return Response(_START, media_type="text/javascript; charset=utf-8", headers=_headers(0))
    media_type = _ASSETS.get(name)
    if media_type is None or not _SAFE_NAME.match(name):
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(_read(name), media_type=media_type, headers=_headers(86400))


@cache
def _read(name: str) -> bytes:
    """A bundle file, read once per process (the JavaScript is 1.5 MB)."""
    from swagger_ui_bundle import swagger_ui_path

    data: bytes = (swagger_ui_path / name).read_bytes()
    return data
