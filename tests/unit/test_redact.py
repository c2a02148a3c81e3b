"""The one scrubber: what it hides, what it leaves readable, and that a secret never survives."""

from __future__ import annotations

import logging

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trustwell import redact
from trustwell.config.env import looks_secret, substitute
from trustwell.config.models import ProjectSettings
from trustwell.config.secrets import raw_secrets, settings_secrets
from trustwell.redact import MASK, mask_url, register_secrets, scrub, scrub_record

# --- what is hidden, exactly -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # psycopg repeats a misspelt URL whole: the reported leak.
        (
            'missing "=" after "postgresq://tw:Hunter2-Sekrit@127.0.0.1:5432/db" in connection',
            'missing "=" after "postgresq://tw:***@127.0.0.1:5432/db" in connection',
        ),
        ("postgresql+psycopg://tw:pw@db/x", "postgresql+psycopg://tw:***@db/x"),
        ("smtp://user:p@ss@mail.test:25 refused", "smtp://user:***@mail.test:25 refused"),
        ("http://u:pw@[::1]:80/hook", "http://u:***@[::1]:80/hook"),
        ("half a URL: tw:pw@db.internal:5432/x", "half a URL: tw:***@db.internal:5432/x"),
        ("one slash: postgresql:/tw:pw@db/x", "one slash: postgresql:***@db/x"),
        ("host=db user=tw password=s3cret dbname=x", "host=db user=tw password=*** dbname=x"),
        ("host=db password='a b\\' c' port=5", "host=db password=*** port=5"),
        ("PGPASSWORD=abc sslpassword = xyz", "PGPASSWORD=*** sslpassword = ***"),
        ("GET /hook?token=abc123&x=1", "GET /hook?token=***&x=1"),
        ("md:db?motherduck_token=eyJhbGc", "md:db?motherduck_token=***"),
        ("{'password': 'hunter22', 'user': 'tw'}", "{'password': ***, 'user': 'tw'}"),
        ('{"api_key":"k-123","name":"x"}', '{"api_key":***,"name":"x"}'),
        ("Authorization: Bearer abc.def-123", "Authorization: Bearer ***"),
        ("{'Authorization': 'Basic dXNlcjpwYXNz'}", "{'Authorization': 'Basic ***'}"),
        ("retry with Bearer tw_abcdefghijklmnopqrst", "retry with Bearer ***"),
    ],
)
def test_credentials_are_replaced_by_the_mask(text: str, shown: str) -> None:
    assert scrub(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "contact alice@acme.test or mailto:bob@acme.test",
        '{"contact":"alice@acme.test"}',
        "send Authorization: Bearer <token>",
        "Bearer authentication is used",
        "unknown or revoked token",
        "mean of api_token: no non-null values to measure",
        "row_count is 3 at 10:30, expected at least 100",
        "https://medium.test/@someone and https://[::1]:5432/db",
        "postgresql+psycopg://tw:***@db/x",
        "",
    ],
)
def test_ordinary_text_stays_as_it_is(text: str) -> None:
    assert scrub(text) == text


def test_a_registered_value_is_hidden_everywhere_also_url_encoded() -> None:
    register_secrets(["Reg1stered/Val@e", "ab", None, "true"])
    assert scrub("x Reg1stered/Val@e y") == f"x {MASK} y"
    assert scrub("in a URL Reg1stered%2FVal%40e") == f"in a URL {MASK}"
    # Too short or never secret: not registered, text stays readable.
    assert scrub("ab true") == "ab true"


def test_a_mask_that_would_spell_a_secret_again_is_hidden_too() -> None:
    assert scrub("xa*** y", extra=["a***", "Zz-9"]) == f"x{MASK} y"
    assert scrub("aZz-9!", extra=["a***", "Zz-9"]) == f"{MASK}!"


def test_mask_url_shows_scheme_host_and_port_only() -> None:
    assert mask_url("https://u:pw@hooks.slack.test/services/T0/B0/X?y=1") == (
        "https://hooks.slack.test/…"
    )
    assert mask_url("http://[::1") == "<invalid URL>"


# --- a secret embedded anywhere never survives ------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
NO_SPACE = st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))
SECRET = st.text(NO_SPACE, min_size=4, max_size=24)


@settings(deadline=None)
@given(prefix=TEXT, secret=st.text(min_size=4, max_size=24), suffix=TEXT)
def test_a_secret_given_to_scrub_never_survives(prefix: str, secret: str, suffix: str) -> None:
    assert secret not in scrub(prefix + secret + suffix + secret, extra=[secret])


@settings(deadline=None)
@given(
    prefix=TEXT,
    scheme=st.from_regex(r"\A[a-z][a-z0-9+.\-]{0,9}\Z"),
    user=st.from_regex(r"\A[A-Za-z0-9._\-]{0,10}\Z"),
    password=SECRET,
    host=st.from_regex(r"\A[a-z0-9.\-]{1,16}(:[0-9]{1,5})?(/[a-z0-9_]{0,8})?\Z"),
    suffix=TEXT,
)
def test_the_password_of_any_url_never_survives(
    prefix: str, scheme: str, user: str, password: str, host: str, suffix: str
) -> None:
    assume(password not in prefix + scheme + user + host + suffix + MASK)
    url = f"{scheme}://{user}:{password}@{host}"
    assert password not in scrub(f"{prefix} {url} {suffix}")
    assert password not in scrub(f'{prefix}"{url}"{suffix}')


@settings(deadline=None)
@given(
    prefix=TEXT,
    user=st.from_regex(r"\A[A-Za-z0-9._\-]{1,10}\Z"),
    password=SECRET.filter(lambda p: not p.startswith("//")),
    host=st.from_regex(r"\A[a-z0-9.\-]{1,16}(:[0-9]{1,5})?\Z"),
    suffix=TEXT,
)
def test_the_password_of_half_a_url_never_survives(
    prefix: str, user: str, password: str, host: str, suffix: str
) -> None:
    assume(password not in prefix + user + host + suffix + MASK)
    assert password not in scrub(f"{prefix} {user}:{password}@{host} {suffix}")


KEYS = st.sampled_from(
    ["password", "PASSWORD", "pwd", "sslpassword", "client_secret", "token", "api_key", "apikey"]
)


@settings(deadline=None)
@given(
    prefix=TEXT,
    key=KEYS,
    value=st.text(NO_SPACE.filter(lambda c: c not in "&'\"\\"), min_size=1, max_size=24),
    quote=st.sampled_from(["", "'", '"']),
    suffix=TEXT,
)
def test_the_value_of_a_secret_pair_never_survives(
    prefix: str, key: str, value: str, quote: str, suffix: str
) -> None:
    assume(len(value) >= 3 and value not in prefix + key + suffix + MASK)
    assert value not in scrub(f"{prefix} {key}={quote}{value}{quote} {suffix}")
    if quote:
        assert value not in scrub(f"{prefix} {quote}{key}{quote}: {quote}{value}{quote}{suffix}")


@settings(deadline=None)
@given(token=st.from_regex(r"\A[A-Za-z0-9\-._~+/]{4,40}\Z"), suffix=TEXT)
def test_an_authorization_header_never_survives(token: str, suffix: str) -> None:
    assume(token.lower() not in ("bearer", "basic", "token", "digest", "negotiate"))
    assume(token not in suffix + MASK + "Authorization: Bearer ")
    assert token not in scrub(f"Authorization: Bearer {token} {suffix}")


@settings(deadline=None)
@given(text=st.text(max_size=80))
def test_scrubbing_twice_changes_nothing_more(text: str) -> None:
    once = scrub(text)
    assert scrub(once) == once


@settings(deadline=None)
@given(text=st.text(st.sampled_from("abcxyz0129 .,;!?()-_/\n"), max_size=80))
def test_text_without_credential_syntax_is_unchanged(text: str) -> None:
    assume(not any(v in text for v in redact._registered))  # values other tests registered
    assert scrub(text) == text


# --- what the project registers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("JIRA_TOKEN", True),
        ("HOOK_SECRET", True),
        ("PGPASSWORD", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("STRIPE_KEY", True),
        ("DB_PW", True),
        ("ANALYTICS_DSN", True),
        ("ANALYTICS_PG_URL", False),
        ("KEYBOARD", False),
        ("PWD", False),
        ("OLDPWD", False),
        ("TRUSTWELL_NOW", False),
    ],
)
def test_variable_names_that_look_secret(name: str, secret: bool) -> None:
    assert looks_secret(name) is secret


def test_substituted_secrets_and_url_passwords_are_registered() -> None:
    env = {"SVC_TOKEN": "Tok-From-Env-77", "PLAIN": "Not-A-Secret-88", "PG": "pg://a:Pw-In-Url-9@h"}
    assert substitute("${SVC_TOKEN} ${PLAIN}", env) == "Tok-From-Env-77 Not-A-Secret-88"
    substitute("url: ${PG}", env)
    assert scrub("Tok-From-Env-77 Not-A-Secret-88 Pw-In-Url-9") == (
        f"{MASK} Not-A-Secret-88 {MASK}"
    )


def test_settings_list_every_secret_they_hold() -> None:
    settings = ProjectSettings.model_validate(
        {
            "store": "postgresql+psycopg://tw:store-pw@db/x",
            "warehouses": {
                "pg": {"type": "postgres", "url": "postgresql://tw:wh-pw%40x@db/y"},
                "lake": {"type": "spark", "conf": {"spark.ssl.keyPassword": "spark-pw"}},
                "shared": {"type": "spark", "remote": "sc://sc:15002/;token=sc-tok;user_id=bi"},
            },
            "channels": {
                "s": {"type": "slack", "webhook_url": "https://hooks.test/T0/B0/xyz"},
                "h": {"type": "webhook", "url": "http://h/x", "secret": "hook-secret"},
                "m": {"type": "email", "smtp": "smtp://u:mail-pw@m:25", "from": "t@x.test"},
                "j": {"type": "jira", "url": "https://j", "project": "D", "token": "jira-tok"},
            },
            "openlineage": {"transport": "http", "url": "https://ol", "api_key": "ol-key"},
        }
    )
    found = set(settings_secrets(settings))
    assert {
        "store-pw",
        "wh-pw%40x",
        "spark-pw",
        "sc-tok",
        "https://hooks.test/T0/B0/xyz",
        "hook-secret",
        "mail-pw",
        "jira-tok",
        "ol-key",
    } <= found
    assert "http://h/x" not in found and "https://j" not in found and "bi" not in found


def test_raw_settings_that_do_not_validate_still_give_their_secrets() -> None:
    raw = {"channels": {"x": {"type": "slak", "webhook_url": "https://hooks.test/T/B/raw"}}}
    assert raw_secrets(raw) == ["https://hooks.test/T/B/raw"]


# --- log records ----------------------------------------------------------------------


def test_a_log_record_keeps_its_arguments_when_scrubbing_them_is_enough() -> None:
    # uvicorn's access formatter unpacks record.args: they must stay a tuple.
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s"',
        ("1.2.3.4", "GET", "/x?token=t0k-9"),
        None,
    )
    scrub_record(record)
    assert record.args == ("1.2.3.4", "GET", f"/x?token={MASK}")
    assert record.getMessage() == f'1.2.3.4 - "GET /x?token={MASK}"'


def test_a_log_record_whose_format_holds_the_secret_is_rewritten() -> None:
    record = logging.LogRecord(
        "trustwell", logging.WARNING, __file__, 1, "dsn password=%s", ("abc12",), None
    )
    scrub_record(record)
    assert record.getMessage() == f"dsn password={MASK}"
