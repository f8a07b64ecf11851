"""`careers notify` against a loopback stand-in of Google's token endpoint and Indexing API.

The changes file comes from real builds; the stand-in checks the signed assertion with the
service account's public key, as Google would.
"""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path
from urllib.parse import parse_qs

import jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from generator.build import build_site
from generator.cli import main
from generator.config import load_config
from generator.notify import JWT_GRANT, PUBLISH_PATH, SCOPE, changes_path, load_changes, notifications, remaining, save_changes
from tests.emulators.base import Emulator, Request

SITE = """
[site]
title = "Careers at Acme"
url = "https://jobs.acme.example"

[[sources]]
type = "local"
"""


def job(job_id: str, title: str) -> str:
    return f'+++\nid = "{job_id}"\ntitle = "{title}"\ndate_posted = 2026-10-01\n+++\nWhat you will do, in detail.\n\nAnd a second paragraph.\n'


BACKEND = "https://jobs.acme.example/jobs/backend-engineer-eng-1/"
DESIGNER = "https://jobs.acme.example/jobs/product-designer-des-2/"
SALES = "https://jobs.acme.example/jobs/account-executive-sal-3/"


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, object]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return pem, private.public_key()


class Google:
    """The token endpoint and the Indexing API on one loopback server."""

    def __init__(self, public_key: object):
        self.emu = Emulator()
        self.public_key = public_key
        self.publish_status: list[tuple[int, dict]] = []  # answers for successive publish calls; 200 after
        self.token_answer: tuple[int, dict] | None = None
        self.claims: list[dict] = []
        self.emu.route(r"/token")(self.token)
        self.emu.route(r"/v3/urlNotifications:publish")(self.publish)

    def token(self, request: Request):
        if self.token_answer:
            return self.token_answer[0], {}, self.token_answer[1]
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        assert form["grant_type"] == JWT_GRANT
        claims = jwt.decode(form["assertion"], self.public_key, algorithms=["RS256"], audience=f"{self.emu.url}/token")
        self.claims.append(claims)
        return 200, {}, {"access_token": "ya29.test-access-token", "expires_in": 3599, "token_type": "Bearer"}

    def publish(self, request: Request):
        assert request.headers["authorization"] == "Bearer ya29.test-access-token"
        if self.publish_status:
            status, body = self.publish_status.pop(0)
            return status, {}, body
        payload = json.loads(request.body)
        return 200, {}, {"urlNotificationMetadata": {"url": payload["url"], "latestUpdate": {"type": payload["type"]}}}

    def published(self) -> list[tuple[str, str]]:
        return [(json.loads(r.body)["type"], json.loads(r.body)["url"]) for r in self.emu.requests if r.path == PUBLISH_PATH]


@pytest.fixture
def google(key_pair):
    server = Google(key_pair[1])
    with server.emu:
        yield server


@pytest.fixture
def credentials(tmp_path: Path, key_pair, google: Google, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "service-account.json"
    key = {
        "type": "service_account",
        "client_email": "careers-notify@acme-jobs.iam.gserviceaccount.com",
        "private_key": key_pair[0],
        "private_key_id": "0123abcd",
        "token_uri": f"{google.emu.url}/token",
    }
    path.write_text(json.dumps(key), encoding="utf-8")
    monkeypatch.delenv("GOOGLE_SERVICE_ACCOUNT_JSON", raising=False)
    monkeypatch.delenv("CAREERS_INDEXING_API", raising=False)
    monkeypatch.delenv("CAREERS_GOOGLE_TOKEN_URI", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    return path


@pytest.fixture
def site(make_site) -> Path:
    root = make_site(
        SITE, {"content/jobs/backend.md": job("ENG-1", "Backend Engineer"), "content/jobs/designer.md": job("DES-2", "Product Designer")}
    )
    build(root)
    return root


def build(root: Path) -> dict:
    config = load_config(root / "careers.toml")
    build_site(config)
    return json.loads(changes_path(config.cache_dir).read_text(encoding="utf-8"))


def run(root: Path, *args: str, api: str | None = None):
    options = ["notify", "--config", str(root / "careers.toml"), *args]
    if api:
        options += ["--api-base", api]
    return CliRunner().invoke(main, options)


# -- the changes file ----------------------------------------------------------------------------


def test_builds_record_the_job_urls_still_to_notify(make_site) -> None:
    root = make_site(
        SITE, {"content/jobs/backend.md": job("ENG-1", "Backend Engineer"), "content/jobs/designer.md": job("DES-2", "Product Designer")}
    )
    assert build(root) == {"version": 1, "site": "https://jobs.acme.example", "added": [BACKEND, DESIGNER], "updated": [], "closed": []}
    path = changes_path(root.resolve() / ".careers-cache")
    written = (path.read_bytes(), path.stat().st_mtime_ns)
    build(root)  # no change: the file keeps what is still to send, and is not written again
    assert (path.read_bytes(), path.stat().st_mtime_ns) == written
    save_changes(path.parent, remaining(load_changes(path), notifications(load_changes(path))))  # as after `careers notify`
    (root / "content/jobs/designer.md").unlink()
    (root / "content/jobs/backend.md").write_text(job("ENG-1", "Backend Engineer").replace("in detail", "in more detail"), encoding="utf-8")
    (root / "content/jobs/sales.md").write_text(job("SAL-3", "Account Executive"), encoding="utf-8")
    expected = {"version": 1, "site": "https://jobs.acme.example", "added": [SALES], "updated": [BACKEND], "closed": [DESIGNER]}
    assert build(root) == expected
    assert build(root) == expected  # still pending: nothing was sent


def test_a_pending_url_follows_its_job(make_site) -> None:
    root = make_site(SITE, {"content/jobs/backend.md": job("ENG-1", "Backend Engineer")})
    build(root)
    (root / "content/jobs/backend.md").unlink()
    # Added, then closed before anyone told Google: only the deletion is left to send.
    assert build(root) == {"version": 1, "site": "https://jobs.acme.example", "added": [], "updated": [], "closed": [BACKEND]}
    (root / "content/jobs/backend.md").write_text(job("ENG-1", "Backend Engineer"), encoding="utf-8")
    # Open again at the same URL: not deleted any more, added again.
    assert build(root) == {"version": 1, "site": "https://jobs.acme.example", "added": [BACKEND], "updated": [], "closed": []}


def test_changes_for_another_site_url_are_dropped(make_site) -> None:
    root = make_site(SITE, {"content/jobs/backend.md": job("ENG-1", "Backend Engineer")})
    build(root)
    (root / "careers.toml").write_text(SITE.replace("jobs.acme.example", "careers.acme.example"), encoding="utf-8")
    changes = build(root)
    assert changes["site"] == "https://careers.acme.example"
    assert changes["added"] == []  # the old domain's pending URLs are gone; the data did not change


def test_a_renamed_job_is_updated_at_its_new_url(make_site) -> None:
    root = make_site(SITE, {"content/jobs/backend.md": job("ENG-1", "Backend Engineer")})
    build(root)
    (root / "content/jobs/backend.md").write_text(job("ENG-1", "Senior Backend Engineer"), encoding="utf-8")
    changes = build(root)
    assert changes["updated"] == ["https://jobs.acme.example/jobs/senior-backend-engineer-eng-1/"]
    assert changes["closed"] == []


# -- sending -------------------------------------------------------------------------------------


def test_dry_run_prints_what_it_would_send_and_sends_nothing(site: Path, google: Google, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)  # a dry run needs no credentials
    result = run(site, "--dry-run", api=google.emu.url)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"would send URL_UPDATED {BACKEND}", f"would send URL_UPDATED {DESIGNER}"]
    assert result.stderr.strip() == "2 notification(s) to send (dry run: nothing sent)"
    assert google.emu.requests == []
    assert json.loads(changes_path(site / ".careers-cache").read_text())["added"] == [BACKEND, DESIGNER]


def test_notify_sends_updated_and_deleted_and_empties_the_changes_file(site: Path, google: Google, credentials: Path) -> None:
    (site / "content/jobs/designer.md").unlink()
    (site / "content/jobs/sales.md").write_text(job("SAL-3", "Account Executive"), encoding="utf-8")
    build(site)
    result = run(site, api=google.emu.url)
    assert result.exit_code == 0, result.output
    # BACKEND was pending since the first build; DESIGNER closed before Google heard of it.
    assert google.published() == [("URL_UPDATED", SALES), ("URL_UPDATED", BACKEND), ("URL_DELETED", DESIGNER)]
    assert result.stdout.splitlines() == [f"URL_UPDATED {SALES}", f"URL_UPDATED {BACKEND}", f"URL_DELETED {DESIGNER}"]
    assert google.emu.methods() == {"POST"}
    [claims] = google.claims
    assert claims["iss"] == "careers-notify@acme-jobs.iam.gserviceaccount.com"
    assert claims["scope"] == SCOPE
    assert claims["exp"] - claims["iat"] == 3600
    left = json.loads(changes_path(site / ".careers-cache").read_text())
    assert (left["added"], left["updated"], left["closed"]) == ([], [], [])
    again = run(site, api=google.emu.url)
    assert again.exit_code == 0 and again.stdout == ""
    assert len(google.published()) == 3  # nothing sent twice


def test_credentials_can_come_from_a_json_environment_variable(
    site: Path, google: Google, credentials: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS")
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT_JSON", credentials.read_text(encoding="utf-8"))
    monkeypatch.setenv("CAREERS_INDEXING_API", google.emu.url)
    result = run(site)
    assert result.exit_code == 0, result.output
    assert google.published() == [("URL_UPDATED", BACKEND), ("URL_UPDATED", DESIGNER)]


def test_a_quota_error_stops_and_keeps_the_rest_for_the_next_run(site: Path, google: Google, credentials: Path) -> None:
    google.publish_status = [
        (200, {}),
        (429, {"error": {"code": 429, "message": "Quota exceeded for quota metric 'Publish requests'", "status": "RESOURCE_EXHAUSTED"}}),
    ]
    result = run(site, api=google.emu.url)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "error: Indexing API quota exceeded (429) after 1 of 2 notifications; "
        "rerun `careers notify` tomorrow to send the rest (Google's default quota is 200 a day)"
    )
    assert json.loads(changes_path(site / ".careers-cache").read_text())["added"] == [DESIGNER]
    retry = run(site, api=google.emu.url)
    assert retry.exit_code == 0
    assert retry.stdout.splitlines() == [f"URL_UPDATED {DESIGNER}"]


# -- failures: one line each, never the key ---------------------------------------------------------

FORBIDDEN = {"error": {"code": 403, "message": "Permission denied. Failed to verify the URL ownership.", "status": "PERMISSION_DENIED"}}


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            (403, FORBIDDEN),
            f"error: Indexing API refused URL_UPDATED {BACKEND}: 403 (Permission denied. Failed to verify the URL ownership.); "
            "add careers-notify@acme-jobs.iam.gserviceaccount.com as an Owner of the site in Search Console, "
            "and enable the Indexing API in its Google Cloud project",
        ),
        (
            (500, {"error": {"code": 500, "message": "Internal error\nencountered."}}),
            f"error: Indexing API answered 500 to URL_UPDATED {BACKEND} (Internal error encountered.) after 0 of 2 notifications; rerun `careers notify`",
        ),
        (
            (400, "not json"),
            f"error: Indexing API answered 400 to URL_UPDATED {BACKEND} (Bad Request) after 0 of 2 notifications; rerun `careers notify`",
        ),
    ],
)
def test_publish_errors_are_one_line(site: Path, google: Google, credentials: Path, answer, message: str) -> None:
    google.publish_status = [answer]
    result = run(site, api=google.emu.url)
    assert result.exit_code == 1
    assert result.stderr.strip() == message


def test_a_refused_token_says_to_check_the_key(site: Path, google: Google, credentials: Path) -> None:
    google.token_answer = (400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
    result = run(site, api=google.emu.url)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: Google's token endpoint 127.0.0.1:{google.emu.server.server_address[1]} answered 400 (invalid_grant Invalid JWT Signature.) "
        "for careers-notify@acme-jobs.iam.gserviceaccount.com; check that the service-account key is current and not revoked"
    )
    assert google.published() == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_api_is_one_line(site: Path, google: Google, credentials: Path) -> None:
    port = free_port()
    result = run(site, api=f"http://127.0.0.1:{port}")
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"error: cannot reach the Indexing API 127.0.0.1:{port}: ConnectError after 0 of 2 notifications; rerun `careers notify`"
    )


def test_an_unreachable_token_endpoint_is_one_line(site: Path, credentials: Path) -> None:
    port = free_port()
    result = run(site, "--token-uri", f"http://127.0.0.1:{port}/token", api=f"http://127.0.0.1:{port}")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: cannot reach Google's token endpoint 127.0.0.1:{port}: ConnectError; check the network and retry"


def test_missing_credentials_exit_2(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("GOOGLE_SERVICE_ACCOUNT_JSON", raising=False)
    result = run(site)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: careers notify: no Google credentials; set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, "
        "or GOOGLE_SERVICE_ACCOUNT_JSON to its contents (or use --dry-run)"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON; download the service account's JSON key from Google Cloud"),
        (
            '{"type": "authorized_user", "client_id": "x"}',
            "is not a service-account key (missing client_email, private_key); download a JSON key from Google Cloud",
        ),
    ],
)
def test_unusable_credentials_exit_2(site: Path, credentials: Path, content: str, message: str) -> None:
    credentials.write_text(content, encoding="utf-8")
    result = run(site)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: careers notify: GOOGLE_APPLICATION_CREDENTIALS ({credentials}) {message}"


def test_an_unreadable_credentials_file_exit_2(site: Path, credentials: Path) -> None:
    credentials.unlink()
    result = run(site)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: careers notify: cannot read GOOGLE_APPLICATION_CREDENTIALS ({credentials}): No such file or directory; "
        "set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or GOOGLE_SERVICE_ACCOUNT_JSON to its contents"
    )


def test_a_broken_private_key_is_reported_without_quoting_it(site: Path, google: Google, credentials: Path) -> None:
    key = json.loads(credentials.read_text())
    broken = key["private_key"].replace("MII", "XXX", 1)
    credentials.write_text(json.dumps({**key, "private_key": broken}), encoding="utf-8")
    result = run(site, api=google.emu.url)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: careers notify: the private_key in GOOGLE_APPLICATION_CREDENTIALS ({credentials}) is not a PEM RSA key; download a new JSON key from Google Cloud"
    )
    assert "XXX" not in result.output


def test_a_missing_changes_file_says_to_build_first(make_site, credentials: Path) -> None:
    root = make_site(SITE)
    result = run(root)
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"error: no changes file at {root.resolve() / '.careers-cache' / 'changes.json'}; run `careers build` first (it writes the file)"
    )


def test_the_private_key_never_appears_in_output_logs_or_files(
    site: Path, google: Google, credentials: Path, key_pair, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    google.publish_status = [(200, {}), (403, FORBIDDEN)]
    outputs = [run(site, "-vv", api=google.emu.url).output]
    google.token_answer = (401, {"error": "unauthorized_client"})
    outputs.append(run(site, "-vv", api=google.emu.url).output)
    body = "".join(key_pair[0].strip().splitlines()[1:-1])
    fragments = [body[i : i + 24] for i in range(0, len(body), 24)]
    seen = "\n".join([*outputs, caplog.text])
    written = "\n".join(p.read_text(errors="replace") for p in (site / ".careers-cache").rglob("*") if p.is_file())
    written += "\n".join(p.read_text(errors="replace") for p in (site / "public").rglob("*") if p.is_file())
    assert not [f for f in fragments if f in seen or f in written]
    assert "ya29.test-access-token" not in seen


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{broken", "is not a readable changes file (JSONDecodeError); run `careers build` again"),
        ('{"version": 99, "added": []}', "is not a changes file of this careers version; run `careers build` again"),
    ],
)
def test_an_unusable_changes_file_says_to_build_again(site: Path, content: str, message: str) -> None:
    path = changes_path(site.resolve() / ".careers-cache")
    path.write_text(content, encoding="utf-8")
    result = run(site, "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {path} {message}"


def test_signing_without_cryptography_says_what_to_install(site: Path, google: Google, credentials: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing_backend(*args: object, **kwargs: object) -> str:
        raise NotImplementedError("Algorithm 'RS256' could not be found. Do you have cryptography installed?")

    monkeypatch.setattr(jwt, "encode", missing_backend)  # what PyJWT does when cryptography is absent
    result = run(site, api=google.emu.url)
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: careers notify: signing with RS256 needs the cryptography package: pip install 'cryptography>=42'"
    assert google.emu.requests == []
