"""Property test: no request the OpenAPI schema allows (or nearly allows) makes the app 500.

Schemathesis generates requests for every operation of ``/openapi.json`` and
sends them in process (ASGI) with an admin token, so every endpoint is
reachable past its role check. The only check is ``not_a_server_error``:
4xx answers are the app doing its job. Hypothesis is derandomized (the same
examples every run) and bounded, to stay well under a minute.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from web_site import NOW, write_project

#: Per operation and mode. TRUSTWELL_FUZZ_EXAMPLES=500 for a deeper hunt (same seed).
EXAMPLES = int(os.environ.get("TRUSTWELL_FUZZ_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """The app on a SQLite store with one incident, and an admin token."""
    from trustwell.auth.tokens import create_token
    from trustwell.incidents.service import declare
    from trustwell.web.app import create_app

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRUSTWELL_NOW", NOW)
        root = write_project(tmp_path_factory.mktemp("openapi"))
        app = create_app(root, scheduler=False)
        store, project = app.state.store, app.state.project
        token = create_token(store, name="fuzzer", role="admin", actor="test")
        declare(store, project, asset="marts.kpi", title="seed", actor="test")
        yield app, token
        store.close()


@pytest.fixture(scope="module")
def api_schema(api: tuple[Any, str]) -> Any:
    app, _ = api
    return schemathesis.openapi.from_asgi("/openapi.json", app)


OPERATIONS = [
    ("GET", "/api/v1/assets"),
    ("GET", "/api/v1/assets/{name}"),
    ("GET", "/api/v1/assets/{name}/results"),
    ("GET", "/api/v1/assets/{name}/trust"),
    ("GET", "/api/v1/assets/{name}/subscriptions"),
    ("POST", "/api/v1/assets/{name}/subscriptions"),
    ("GET", "/api/v1/lineage"),
    ("POST", "/api/v1/lineage"),
    ("POST", "/api/v1/lineage/batch"),
    ("GET", "/api/v1/incidents"),
    ("POST", "/api/v1/incidents"),
    ("GET", "/api/v1/incidents/{id}"),
    ("POST", "/api/v1/incidents/{id}/ack"),
    ("POST", "/api/v1/incidents/{id}/status"),
    ("POST", "/api/v1/incidents/{id}/updates"),
    ("POST", "/api/v1/incidents/{id}/assign"),
    ("POST", "/api/v1/incidents/{id}/severity"),
    ("POST", "/api/v1/incidents/{id}/resolve"),
    ("POST", "/api/v1/incidents/{id}/dismiss"),
    ("POST", "/api/v1/incidents/{id}/actions/{item}/done"),
    ("POST", "/api/v1/reports"),
    ("POST", "/api/v1/unsubscribe"),
    ("GET", "/api/v1/reports/{reference}"),
    ("POST", "/api/v1/runs"),
    ("GET", "/api/v1/actions"),
    ("POST", "/api/v1/actions"),
    ("POST", "/api/v1/actions/{id}/done"),
    ("GET", "/api/v1/metrics"),
    ("GET", "/api/v1/outbox"),
    ("POST", "/api/v1/outbox/{id}/retry"),
    ("GET", "/metrics"),
]


def test_every_operation_of_the_schema_is_fuzzed(api_schema: Any) -> None:
    found = {
        (method.upper(), path)
        for path, operations in api_schema.raw_schema["paths"].items()
        for method in operations
    }
    assert found == set(OPERATIONS)


#: Operations without any parameter or body have no invalid request to generate.
NOTHING_TO_BREAK = {("GET", "/metrics")}
CASES = [
    (method, path, mode)
    for method, path in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or (method, path) not in NOTHING_TO_BREAK
]


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_generated_request_is_a_server_error(
    api_schema: Any, api: tuple[Any, str], method: str, path: str, mode: GenerationMode
) -> None:
    _, token = api
    operation = api_schema[path][method]
    strategy = operation.as_strategy(
        generation_mode=mode, headers={"Authorization": f"Bearer {token}"}
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def no_server_error(case: Any) -> None:
        case.call_and_validate(checks=[not_a_server_error])

    no_server_error()
