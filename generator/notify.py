"""`careers notify`: tell Google's Indexing API which job URLs builds added, updated or closed.

    careers build -> .careers-cache/changes.json -> deploy -> careers notify

Each build adds the absolute URLs of the jobs it added, updated and closed to the changes file
(a no-change build leaves it as it is, so it writes nothing); `notify` sends one URL_UPDATED per
added or updated job and one URL_DELETED per closed job, authenticated as a service account
(OAuth 2.0 JWT bearer grant, RS256), and removes from the file what Google accepted, so a rerun
after a quota error sends only the rest. The file stays small: a URL leaves it when its job closes
(updated) or when its "position closed" page expires (closed). The Indexing API only accepts pages with JobPosting markup, and its
default quota is about 200 notifications a day (../shared/jobposting.md, "Indexing API").
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from .errors import ConfigError, GeneratorError
from .snapshot import dumps, write_atomic

if TYPE_CHECKING:
    from .build import BuildReport
    from .config import Config
    from .model import Site

log = logging.getLogger(__name__)

VERSION = 1
SCOPE = "https://www.googleapis.com/auth/indexing"
DEFAULT_API = "https://indexing.googleapis.com"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
PUBLISH_PATH = "/v3/urlNotifications:publish"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CREDENTIALS_HELP = "set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or GOOGLE_SERVICE_ACCOUNT_JSON to its contents"


class NotifyError(GeneratorError):
    """Google refused a notification or could not be reached."""


# -- the changes file (written by the build) ------------------------------------------------


def changes_path(cache: Path) -> Path:
    return cache / "changes.json"


def changed_urls(config: Config, site: Site, report: BuildReport, before: Mapping[str, Any], renderer: Any = None) -> dict[str, Any]:
    """Return the job URLs still to notify: those of earlier builds not sent yet, plus this build's changes."""
    from .render import job_urls

    keys = {kind: {k for s in report.sources for k in getattr(s, kind)} for kind in ("added", "updated", "closed")}
    # A closed job's URL comes from the site state before this build: its slug is gone from the data.
    live_before = before.get("live", {})
    gone = [(key, live_before[key]["slug"], live_before[key].get("language")) for key in sorted(keys["closed"]) if key in live_before]
    urls = job_urls(config, site, gone, renderer)
    open_urls = {urls[j.key] for j in site.jobs}
    retained = set(job_urls(config, site, [(c.key, c.slug, c.language) for c in site.closed], renderer).values()) - open_urls
    pending = pending_changes(config)
    added = ({urls[k] for k in keys["added"] if k in urls} | set(pending["added"])) & open_urls
    updated = ({urls[k] for k in keys["updated"] if k in urls} | set(pending["updated"])) & open_urls
    # A closed URL stays pending while its "position closed" page does; one that belongs to an open
    # job again (same slug) is not deleted.
    closed = ({urls[k] for k in keys["closed"] if k in urls} | (set(pending["closed"]) & retained)) - open_urls
    return {"version": VERSION, "site": config.site.url, "added": sorted(added), "updated": sorted(updated - added), "closed": sorted(closed)}


def pending_changes(config: Config) -> dict[str, list[str]]:
    """Return what the changes file still holds for this site (nothing when unreadable or for another URL)."""
    empty: dict[str, list[str]] = {"added": [], "updated": [], "closed": []}
    try:
        previous = load_changes(changes_path(config.cache_dir))
    except NotifyError:
        return empty
    if previous.get("site") != config.site.url:
        return empty
    return {kind: [u for u in previous.get(kind, []) if isinstance(u, str)] for kind in empty}


def save_changes(cache: Path, changes: dict[str, Any]) -> bool:
    return write_atomic(changes_path(cache), dumps(changes))


def load_changes(path: Path) -> dict[str, Any]:
    """Read a changes file; raise NotifyError naming the file when it is missing or unreadable."""
    try:
        changes = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotifyError(f"no changes file at {path}; run `careers build` first (it writes the file)") from None
    except (OSError, ValueError) as exc:
        raise NotifyError(f"{path} is not a readable changes file ({type(exc).__name__}); run `careers build` again") from None
    if not isinstance(changes, dict) or changes.get("version") != VERSION:
        raise NotifyError(f"{path} is not a changes file of this careers version; run `careers build` again")
    return changes


def notifications(changes: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (type, url) pairs: URL_UPDATED for added and updated jobs, URL_DELETED for closed ones."""
    updated = sorted(set(changes.get("added", [])) | set(changes.get("updated", [])))
    return [("URL_UPDATED", url) for url in updated] + [("URL_DELETED", url) for url in sorted(set(changes.get("closed", [])))]


def remaining(changes: Mapping[str, Any], sent: list[tuple[str, str]]) -> dict[str, Any]:
    """Return the changes without the notifications Google accepted."""
    updated = {url for kind, url in sent if kind == "URL_UPDATED"}
    deleted = {url for kind, url in sent if kind == "URL_DELETED"}
    return {
        **changes,
        "added": [u for u in changes.get("added", []) if u not in updated],
        "updated": [u for u in changes.get("updated", []) if u not in updated],
        "closed": [u for u in changes.get("closed", []) if u not in deleted],
    }


# -- credentials and token -------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """A service account's key: what the JWT bearer grant needs."""

    client_email: str
    private_key: str
    token_uri: str
    key_id: str | None
    origin: str  # where it came from, for messages: never the key itself

    def __repr__(self) -> str:  # keep the key out of tracebacks and debug logs
        return f"Credentials(client_email={self.client_email!r}, origin={self.origin!r})"


def load_credentials(env: Mapping[str, str]) -> Credentials:
    """Read service-account credentials from GOOGLE_SERVICE_ACCOUNT_JSON or GOOGLE_APPLICATION_CREDENTIALS."""
    if env.get("GOOGLE_SERVICE_ACCOUNT_JSON", "").strip():
        origin, text = "GOOGLE_SERVICE_ACCOUNT_JSON", env["GOOGLE_SERVICE_ACCOUNT_JSON"]
    elif env.get("GOOGLE_APPLICATION_CREDENTIALS", "").strip():
        path = Path(env["GOOGLE_APPLICATION_CREDENTIALS"])
        origin = f"GOOGLE_APPLICATION_CREDENTIALS ({path})"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError([f"careers notify: cannot read {origin}: {exc.strerror or type(exc).__name__}; {CREDENTIALS_HELP}"]) from None
    else:
        raise ConfigError([f"careers notify: no Google credentials; {CREDENTIALS_HELP} (or use --dry-run)"])
    try:
        data = json.loads(text)
    except ValueError:
        raise ConfigError([f"careers notify: {origin} is not JSON; download the service account's JSON key from Google Cloud"]) from None
    missing = [k for k in ("client_email", "private_key") if not isinstance(data, dict) or not data.get(k)]
    if missing:
        raise ConfigError(
            [f"careers notify: {origin} is not a service-account key (missing {', '.join(missing)}); download a JSON key from Google Cloud"]
        )
    return Credentials(
        client_email=data["client_email"],
        private_key=data["private_key"],
        token_uri=data.get("token_uri") or DEFAULT_TOKEN_URI,
        key_id=data.get("private_key_id"),
        origin=origin,
    )


def sign_assertion(credentials: Credentials, token_uri: str, now: float) -> str:
    """Return the signed JWT (RS256) that the token endpoint exchanges for an access token."""
    import jwt

    claims = {"iss": credentials.client_email, "scope": SCOPE, "aud": token_uri, "iat": int(now), "exp": int(now) + 3600}
    headers = {"kid": credentials.key_id} if credentials.key_id else None
    try:
        return jwt.encode(claims, credentials.private_key, algorithm="RS256", headers=headers)
    except NotImplementedError:
        raise NotifyError("careers notify: signing with RS256 needs the cryptography package: pip install 'cryptography>=42'") from None
    except (ValueError, TypeError, jwt.PyJWTError):
        # Never echo the exception: some key parsers quote the input.
        raise ConfigError(
            [f"careers notify: the private_key in {credentials.origin} is not a PEM RSA key; download a new JSON key from Google Cloud"]
        ) from None


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _one_line(text: Any, limit: int = 200) -> str:
    return " ".join(str(text).split())[:limit]


def fetch_token(client: httpx.Client, credentials: Credentials, token_uri: str, now: float) -> str:
    """Exchange a signed assertion for an access token."""
    assertion = sign_assertion(credentials, token_uri, now)
    try:
        response = client.post(token_uri, data={"grant_type": JWT_GRANT, "assertion": assertion})
    except httpx.HTTPError as exc:
        raise NotifyError(f"cannot reach Google's token endpoint {_host(token_uri)}: {type(exc).__name__}; check the network and retry") from None
    body = _json(response)
    if response.status_code != 200 or not isinstance(body.get("access_token"), str):
        error = _one_line(" ".join(str(body.get(k, "")) for k in ("error", "error_description")).strip() or response.reason_phrase)
        raise NotifyError(
            f"Google's token endpoint {_host(token_uri)} answered {response.status_code} ({error}) for {credentials.client_email}; "
            "check that the service-account key is current and not revoked"
        )
    return body["access_token"]


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# -- publishing ------------------------------------------------------------------------------


@dataclass
class NotifyResult:
    planned: list[tuple[str, str]]  # (type, url), everything the changes file asked for
    sent: list[tuple[str, str]]  # what Google accepted (nothing in a dry run)


def publish(client: httpx.Client, api: str, token: str, kind: str, url: str, credentials: Credentials, sent: int, total: int) -> None:
    """Send one notification; raise NotifyError with one line on any refusal."""
    try:
        response = client.post(f"{api.rstrip('/')}{PUBLISH_PATH}", json={"url": url, "type": kind}, headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        raise NotifyError(
            f"cannot reach the Indexing API {_host(api)}: {type(exc).__name__} after {sent} of {total} notifications; rerun `careers notify`"
        ) from None
    if response.status_code == 200:
        return
    error = _json(response).get("error")
    message = _one_line(error.get("message", "") if isinstance(error, dict) else error or response.reason_phrase)
    status = response.status_code
    if status == 429:
        raise NotifyError(
            f"Indexing API quota exceeded (429) after {sent} of {total} notifications; "
            "rerun `careers notify` tomorrow to send the rest (Google's default quota is 200 a day)"
        )
    if status == 403:
        raise NotifyError(
            f"Indexing API refused {kind} {url}: 403 ({message}); add {credentials.client_email} as an Owner of the site in Search Console, "
            "and enable the Indexing API in its Google Cloud project"
        )
    raise NotifyError(f"Indexing API answered {status} to {kind} {url} ({message}) after {sent} of {total} notifications; rerun `careers notify`")


def notify(
    changes_file: Path,
    env: Mapping[str, str] | None = None,
    *,
    dry_run: bool = False,
    api: str | None = None,
    token_uri: str | None = None,
    transport: httpx.BaseTransport | None = None,
    clock: Any = time.time,
) -> NotifyResult:
    """Send the notifications of `changes_file`; on success or partial failure, keep only what is left to send."""
    env = os.environ if env is None else env
    changes = load_changes(changes_file)
    todo = notifications(changes)
    if dry_run or not todo:
        return NotifyResult(planned=todo, sent=[])
    credentials = load_credentials(env)
    api = api or env.get("CAREERS_INDEXING_API") or DEFAULT_API
    token_uri = token_uri or env.get("CAREERS_GOOGLE_TOKEN_URI") or credentials.token_uri
    sent: list[tuple[str, str]] = []
    try:
        with httpx.Client(transport=transport, timeout=20.0, headers={"User-Agent": "careers-site-generator notify"}) as client:
            token = fetch_token(client, credentials, token_uri, clock())
            for kind, url in todo:
                publish(client, api, token, kind, url, credentials, len(sent), len(todo))
                log.info("%s %s", kind, url)
                sent.append((kind, url))
    finally:
        if sent:
            write_atomic(changes_file, dumps(remaining(changes, sent)))
    return NotifyResult(planned=todo, sent=sent)
