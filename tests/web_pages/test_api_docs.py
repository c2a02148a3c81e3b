"""``/docs`` is served from this server alone: Swagger UI's files come from a package."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_the_docs_page_loads_nothing_from_another_host(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert re.findall(r'(?:src|href)="([^"]+)"', page.text) == [
        "/docs/assets/swagger-ui.css",
        "/docs/assets/favicon-32x32.png",
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/assets/start.js",
    ]
    assert "cdn" not in page.text.lower() and "http" not in page.text
    # no inline script, and the browser may run none from elsewhere
    assert re.findall(r"<script[^>]*>([^<]*)</script>", page.text) == ["", ""]
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "default-src 'self';" in policy


def test_the_swagger_ui_files_are_served_with_their_types(client: TestClient) -> None:
    script = client.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert b"SwaggerUIBundle" in script.content and len(script.content) > 500_000
    css = client.get("/docs/assets/swagger-ui.css")
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert b".swagger-ui" in css.content
    start = client.get("/docs/assets/start.js")
    assert 'url: "/openapi.json"' in start.text


def test_only_the_files_the_page_uses_are_reachable(client: TestClient) -> None:
    names = ("index.html", "swagger-initializer.js", "..%2F__init__.py", "oauth2-redirect.html")
    for name in names:
        answer = client.get(f"/docs/assets/{name}")
        assert answer.status_code == 404, name
    # FastAPI's CDN-backed pages are gone
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404


def test_the_schema_the_page_reads_is_still_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "trustwell"
    assert "/api/v1/assets" in schema["paths"]
    assert all(not path.startswith("/docs") for path in schema["paths"])
