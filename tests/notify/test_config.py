"""Channel configs: validated with clear errors; secrets never shown."""

from __future__ import annotations

import pytest
from notify_factories import settings

from trustwell.notify.config import (
    ChannelConfigError,
    EmailChannel,
    JiraChannel,
    SlackChannel,
    WebhookChannel,
    mask_url,
    parse_channels,
    redact,
)


def test_every_channel_type_is_parsed() -> None:
    parsed = parse_channels(
        settings(
            {
                "chat": {"type": "slack", "webhook_url": "https://hooks.example.test/T/B/X"},
                "ops": {"type": "webhook", "url": "http://127.0.0.1:9000/hook", "secret": "k3y!"},
                "mail": {"type": "email", "smtp": "smtp://localhost:1025", "from": "tw@a.test"},
                "jira": {"type": "jira", "url": "https://a.test", "project": "DATA", "token": "t"},
            }
        )
    )
    assert isinstance(parsed["chat"], SlackChannel)
    assert isinstance(parsed["ops"], WebhookChannel)
    assert parsed["ops"].secret == "k3y!"
    assert isinstance(parsed["mail"], EmailChannel)
    assert parsed["mail"].from_ == "tw@a.test"
    assert isinstance(parsed["jira"], JiraChannel)
    assert parsed["jira"].issue_type == "Incident"


def test_every_problem_is_listed_without_showing_values() -> None:
    with pytest.raises(ChannelConfigError) as caught:
        parse_channels(
            settings(
                {
                    "chat": {"type": "slak", "webhook_url": "https://secret.test/x"},
                    "ops": {"type": "webhook", "secret": "topsecret"},
                    "mail": {"type": "email", "smtp": "smtp://h:25", "form": "x@a.test"},
                    "odd": {"url": "http://x"},
                }
            )
        )
    assert [str(p) for p in caught.value.problems] == [
        "channels.chat: unknown channel type 'slak': did you mean 'slack'?",
        "channels.ops: missing key 'url' (type webhook)",
        "channels.mail: missing key 'from' (type email)",
        "channels.mail: unknown key 'form' (type email): did you mean 'from'?",
        "channels.odd: missing key 'type' (one of slack, webhook, email, jira)",
    ]
    # Which key each is about, so that the loader puts it on that key's line.
    assert [(p.key, p.on) for p in caught.value.problems] == [
        (("type",), "value"),
        (("url",), "entry"),
        (("from",), "entry"),
        (("form",), "key"),
        ((), "entry"),
    ]
    assert "topsecret" not in str(caught.value)


def test_urls_are_masked_and_secrets_redacted() -> None:
    assert mask_url("https://hooks.slack.test/services/T0/B0/XYZ") == "https://hooks.slack.test/…"
    assert mask_url("smtp://user:pw@mail.test:587") == "smtp://mail.test:587"
    assert mask_url("http://127.0.0.1:9000") == "http://127.0.0.1:9000"
    assert redact("token abcd1234 refused", ["abcd1234", None, "ab"]) == "token *** refused"
