"""Webhook subscriptions: which alerts go where, URL checks, the SSRF address rule,
and the retry schedule (exponential backoff with jitter, capped)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.adapters.webhook_sender import RetryPolicy
from budget_monitor.domain import ConfigError, Subscription, check_url, is_public_address


def sub(**filters) -> Subscription:
    return Subscription("s1", "https://hooks.example/x", "secret", **filters)


def test_a_subscription_without_filters_wants_every_alert():
    assert sub().wants("any", {"customer": "acme"})
    assert not Subscription("s", "https://h/x", "k", enabled=False).wants("any", {})


def test_filters_by_budget_or_by_scope():
    chosen = sub(budget_ids=("acme-m",), scopes=({"cost_center": "CC-1"},))
    assert chosen.wants("acme-m", {"customer": "acme"})
    assert chosen.wants("other", {"cost_center": "CC-1", "service": "ci"})
    assert not chosen.wants("other", {"customer": "acme"})  # a customer is not its cost center
    both = sub(scopes=({"customer": "acme", "service": "ci"},))
    assert both.wants("x", {"customer": "acme", "service": "ci"})
    assert not both.wants("x", {"customer": "acme"})


def test_the_secret_stays_out_of_repr():
    assert "supersecret" not in repr(Subscription("s", "https://h/x", "supersecret"))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://h/x",
        "https://",
        "http://u:p@h/x",
        "https://h/x y",
        "javascript:alert(1)",
        "https://h:99999/x",
        "h/x",
        "https://h/" + "a" * 2100,
    ],
)
def test_bad_urls_are_refused_naming_the_url(url):
    with pytest.raises(ConfigError, match=r"^url: "):
        check_url(url)


def test_good_urls_pass():
    for url in ("https://hooks.example.com/budget?x=1", "http://127.0.0.1:8080/hook"):
        assert check_url(url) == url


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("::1", False),
        ("fd00::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4 loopback dressed as IPv6
        ("224.0.0.1", False),
    ],
)
def test_only_public_addresses_are_public(address, public):
    assert is_public_address(address) is public


@given(st.integers(min_value=1, max_value=200), st.floats(0.01, 5), st.floats(0.01, 120))
def test_backoff_is_exponential_jittered_and_capped(attempt, base, cap):
    policy = RetryPolicy(backoff_s=base, backoff_max_s=cap)
    ceiling = min(cap, base * 2 ** min(attempt - 1, 30))
    assert ceiling / 2 <= policy.delay(attempt) <= ceiling
