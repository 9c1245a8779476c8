"""Standard Webhooks v1 signatures and the retry backoff."""

from __future__ import annotations

import base64
import hashlib
import hmac

from budget_monitor.adapters.webhook_sender import RetryPolicy
from budget_monitor.adapters.webhook_signing import sign, webhook_headers


def test_the_specification_test_vector():
    # From the Standard Webhooks reference libraries' tests.
    signature = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_secret_without_the_prefix_is_used_as_its_utf8_bytes():
    digest = hmac.new(b"plain-secret", b"id.1.{}", hashlib.sha256).digest()
    assert sign("plain-secret", "id", 1, b"{}") == "v1," + base64.b64encode(digest).decode()


def test_headers_carry_id_timestamp_and_signature():
    headers = webhook_headers("plain-secret", "alrt_1", 1700000000, b"{}")
    assert headers["webhook-id"] == "alrt_1"
    assert headers["webhook-timestamp"] == "1700000000"
    assert headers["webhook-signature"].startswith("v1,")


def test_backoff_grows_exponentially_within_jitter_and_cap():
    policy = RetryPolicy(backoff_s=1.0, backoff_max_s=4.0)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 4.0)]:
        delays = [policy.delay(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
