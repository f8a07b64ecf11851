"""Fault injection against a loopback server: the HTTP layer's retries, limits and redaction."""

from __future__ import annotations

import logging

import pytest

from generator.errors import HttpError
from generator.http import HttpClient, TokenBucket, parse_delay, redact
from tests.emulators.base import Emulator

TOKEN = "s3cr3t-token-value"


@pytest.fixture
def emu():
    with Emulator() as server:
        yield server


def client_for(emu: Emulator, sleeps: list[float] | None = None, **kwargs) -> HttpClient:
    options = {"retries": 3, "timeout": 2.0, "backoff": 0.01, "sleep": (sleeps.append if sleeps is not None else lambda s: None)}
    options.update(kwargs)
    return HttpClient("demo", emu.url, secrets=(TOKEN,), **options)


def test_503_then_success_is_retried(emu: Emulator) -> None:
    calls = []

    @emu.route("/jobs")
    def jobs(request):
        calls.append(1)
        return (503, {}, {"error": "maintenance"}) if len(calls) == 1 else (200, {}, [{"id": 1}])

    with client_for(emu) as client:
        assert client.get_json("/jobs").data == [{"id": 1}]
        assert client.stats.retries == 1
        assert client.stats.statuses == {503: 1, 200: 1}


def test_slow_response_times_out_then_fails_with_one_line(emu: Emulator) -> None:
    emu.latency = 0.5

    @emu.route("/jobs")
    def jobs(request):
        return 200, {}, []

    with client_for(emu, timeout=0.1, retries=1) as client, pytest.raises(HttpError) as caught:
        client.get_json("/jobs")
    assert str(caught.value) == "source demo: GET /jobs failed after 2 attempts: timed out"
    assert "\n" not in str(caught.value)


def test_dropped_connection_is_retried(emu: Emulator) -> None:
    calls = []

    @emu.route("/jobs")
    def jobs(request):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionAbortedError
        return 200, {}, [{"id": 2}]

    with client_for(emu) as client:
        assert client.get_json("/jobs").data == [{"id": 2}]
    assert len(calls) == 2


def test_invalid_json_with_200_is_retried_then_fails(emu: Emulator) -> None:
    @emu.route("/jobs")
    def jobs(request):
        return 200, {"Content-Type": "application/json"}, b"<html>oops</html>"

    with client_for(emu, retries=2) as client, pytest.raises(HttpError) as caught:
        client.get_json("/jobs")
    assert str(caught.value) == "source demo: GET /jobs failed after 3 attempts: the body is not valid JSON"
    assert len(emu.requests) == 3


def test_429_honours_retry_after(emu: Emulator) -> None:
    calls = []
    sleeps: list[float] = []

    @emu.route("/jobs")
    def jobs(request):
        calls.append(1)
        return (429, {"Retry-After": "7"}, {}) if len(calls) == 1 else (200, {}, [])

    with client_for(emu, sleeps) as client:
        client.get_json("/jobs")
    assert len(sleeps) == 1 and 7 <= sleeps[0] < 7.2


def test_429_falls_back_on_rate_limit_reset(emu: Emulator) -> None:
    calls = []
    sleeps: list[float] = []

    @emu.route("/jobs")
    def jobs(request):
        calls.append(1)
        return (429, {"X-RateLimit-Reset": "3"}, {}) if len(calls) == 1 else (200, {}, [])

    with client_for(emu, sleeps) as client:
        client.get_json("/jobs")
    assert 3 <= sleeps[0] < 3.2


def test_500_forever_fails_after_retries(emu: Emulator) -> None:
    @emu.route("/jobs")
    def jobs(request):
        return 500, {}, {"message": "boom"}

    with client_for(emu, retries=2) as client, pytest.raises(HttpError) as caught:
        client.get_json("/jobs", {"page": 1})
    assert caught.value.status == 500
    assert str(caught.value) == "source demo: GET /jobs?page=1 failed after 3 attempts: HTTP 500"


def test_client_errors_are_not_retried_and_carry_the_body(emu: Emulator) -> None:
    @emu.route("/jobs")
    def jobs(request):
        return 403, {}, {"error": "invalid_scope", "error_description": "jobs_r is required"}

    with client_for(emu) as client, pytest.raises(HttpError) as caught:
        client.get_json("/jobs")
    assert len(emu.requests) == 1
    assert caught.value.status == 403
    assert caught.value.body == {"error": "invalid_scope", "error_description": "jobs_r is required"}
    assert str(caught.value) == "source demo: GET /jobs answered HTTP 403: jobs_r is required"


def test_secrets_never_reach_messages_or_logs(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    @emu.route("/jobs")
    def jobs(request):
        return 500, {}, {"message": f"bad token {TOKEN}"}

    with client_for(emu, retries=1, params={"token": TOKEN}) as client, pytest.raises(HttpError) as caught:
        client.get_json("/jobs")
    assert emu.requests[0].query["token"] == TOKEN  # it was sent...
    assert TOKEN not in str(caught.value)  # ...but never shown
    assert TOKEN not in caplog.text
    assert "token=***" in str(caught.value)


def test_only_get_is_ever_sent(emu: Emulator) -> None:
    @emu.route("/.*")
    def anything(request):
        return 200, {}, {"ok": True}

    with client_for(emu) as client:
        client.get_json("/a")
        client.get_bytes(f"{emu.url}/b")
        client.map(lambda i: client.get_json(f"/c/{i}"), range(5))
        assert not any(hasattr(client, verb) for verb in ("post", "put", "delete", "patch"))
    assert emu.methods() == {"GET"}


def test_rate_limit_remaining_zero_pauses_the_bucket(emu: Emulator) -> None:
    @emu.route("/jobs")
    def jobs(request):
        return 200, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2"}, []

    with client_for(emu, rate=100, burst=5) as client:
        client.get_json("/jobs")
        assert client.bucket is not None
        assert client.bucket.paused_until - client.bucket.clock() > 1.5


def test_token_bucket_allows_a_burst_then_the_steady_rate() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    bucket = TokenBucket(rate=10, burst=20, clock=lambda: now[0], sleep=sleep)
    for _ in range(20):
        bucket.acquire()
    assert slept == []
    for _ in range(10):
        bucket.acquire()
    assert now[0] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        ("1700000010", 10.0),
        ("1700000010000", 10.0),
        ("Tue, 14 Nov 2023 22:13:40 GMT", 20.0),
        ("2023-11-14T22:13:30Z", 10.0),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_delay_formats(value: str | None, expected: float | None) -> None:
    result = parse_delay(value, now=1700000000.0)
    assert result == (pytest.approx(expected) if expected is not None else None)


def test_redact_hides_known_secrets_and_credential_parameters() -> None:
    assert redact(f"/x?token={TOKEN}&page=2", ()) == "/x?token=***&page=2"
    assert redact(f"Bearer {TOKEN}", (TOKEN,)) == "Bearer ***"
    assert redact("/x?access_token=abc&a=1", ()) == "/x?access_token=***&a=1"


def test_conditional_requests_reuse_the_cached_body_on_304(emu: Emulator, tmp_path) -> None:
    from generator.http import ConditionalCache

    @emu.route("/jobs")
    def jobs(request):
        if request.headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"'}, [{"id": 1}]

    cache = ConditionalCache(tmp_path / "http")
    with client_for(emu, conditional=cache, params={"token": TOKEN}) as client:
        assert client.get_json("/jobs").data == [{"id": 1}]
        stored = sorted((tmp_path / "http").iterdir())
        mtime = stored[0].stat().st_mtime_ns
        assert client.get_json("/jobs").data == [{"id": 1}]
        assert client.stats.not_modified == 1
    assert "if-none-match" not in emu.requests[0].headers
    assert emu.requests[1].headers["if-none-match"] == '"v1"'
    assert len(stored) == 1 and TOKEN not in stored[0].name
    assert stored[0].stat().st_mtime_ns == mtime  # an unchanged answer rewrites nothing


def test_answers_without_validators_are_not_cached(emu: Emulator, tmp_path) -> None:
    from generator.http import ConditionalCache

    @emu.route("/jobs")
    def jobs(request):
        return 200, {}, []

    with client_for(emu, conditional=ConditionalCache(tmp_path / "http")) as client:
        client.get_json("/jobs")
        client.get_json("/jobs")
    assert not (tmp_path / "http").exists()
    assert "if-none-match" not in emu.requests[1].headers
