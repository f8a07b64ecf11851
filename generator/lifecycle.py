"""The closed-job lifecycle and stable URLs.

A job that leaves its source keeps its URL for `closed_retention_days` as a "this position is
closed" page: no JobPosting, `noindex`, out of the sitemap and feeds at once, and a 410 rule for
hosts that read `_redirects` (Netlify). A job whose title changes moves to a new slug; its old
URL redirects to the new one for the same period.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .model import ClosedJob, Department, Job, fingerprint
from .snapshot import dumps, load_json, write_atomic

VERSION = 1


def state_path(cache: Path) -> Path:
    return cache / "site-state.json"


def load_state(cache: Path) -> dict[str, Any]:
    state = load_json(state_path(cache), {})
    if not isinstance(state, dict) or state.get("version") != VERSION:
        state = {"version": VERSION}
    state.setdefault("live", {})
    state.setdefault("closed", {})
    state.setdefault("moved", [])
    return state


def save_state(cache: Path, state: dict[str, Any]) -> bool:
    return write_atomic(state_path(cache), dumps(state))


def update_state(state: dict[str, Any], jobs: list[Job], today: date, retention_days: int) -> dict[str, Any]:
    """Return the new state after a successful fetch of `jobs` on `today`."""
    cutoff = (today - timedelta(days=retention_days)).isoformat()
    live_before: dict[str, Any] = state["live"]
    live = {job.key: live_entry(job) for job in jobs}
    closed = {k: v for k, v in state["closed"].items() if k not in live and v["closed_at"] > cutoff}
    for key, entry in live_before.items():
        if key not in live and retention_days > 0:
            closed[key] = {**entry, "closed_at": today.isoformat()}
    moved = [m for m in state["moved"] if m["since"] > cutoff and m["key"] in live and m["from"] != live[m["key"]]["slug"]]
    for key, entry in live_before.items():
        if key in live and entry["slug"] != live[key]["slug"] and retention_days > 0:
            moved = [m for m in moved if m["from"] != entry["slug"]]
            moved.append({"key": key, "from": entry["slug"], "language": entry.get("language"), "since": today.isoformat()})
    return {
        "version": VERSION,
        "live": dict(sorted(live.items())),
        "closed": dict(sorted(closed.items())),
        "moved": sorted(moved, key=lambda m: (m["from"], m["key"])),
    }


def live_entry(job: Job) -> dict[str, Any]:
    """Return what the state keeps of an open job: enough to show its "closed" page later."""
    return {
        "hash": job_hash(job),
        "slug": job.slug,
        "title": job.title,
        "language": job.language,
        "department": {"id": job.department.id, "name": job.department.name} if job.department else None,
    }


def next_change(state: dict[str, Any], retention_days: int) -> date | None:
    """Return the first day on which the state changes by itself: a closed page or a redirect ends."""
    days = [entry["closed_at"] for entry in state["closed"].values()] + [m["since"] for m in state["moved"]]
    return min(date.fromisoformat(day) for day in days) + timedelta(days=retention_days) if days else None


def job_hash(job: Job) -> str:
    """Return a short digest of everything the model knows about a job (to tell updates apart)."""
    return fingerprint(job)[:16]


def changes(before: dict[str, Any], after: dict[str, Any], source: str) -> tuple[list[str], list[str], list[str]]:
    """Return the keys of `source`'s jobs added, updated and closed since the last build."""
    prefix = f"{source}:"
    old = {k: v.get("hash") for k, v in before["live"].items() if k.startswith(prefix)}
    new = {k: v.get("hash") for k, v in after["live"].items() if k.startswith(prefix)}
    added = sorted(set(new) - set(old))
    closed = sorted(set(old) - set(new))
    updated = sorted(k for k in set(new) & set(old) if new[k] != old[k])
    return added, updated, closed


def closed_jobs(state: dict[str, Any], jobs: list[Job]) -> list[ClosedJob]:
    live_slugs = {j.slug for j in jobs}
    result = []
    for key, entry in state["closed"].items():
        if entry["slug"] in live_slugs:
            continue  # the URL belongs to an open job again
        department = entry.get("department")
        result.append(
            ClosedJob(
                key=key,
                title=entry["title"],
                slug=entry["slug"],
                language=entry.get("language"),
                department=Department(id=department["id"], name=department["name"]) if department else None,
                closed_at=entry["closed_at"],
            )
        )
    return sorted(result, key=lambda c: c.slug)


def moved_jobs(state: dict[str, Any], jobs: list[Job]) -> list[tuple[str, Job]]:
    """Return (old slug, job) for every renamed job still within its redirect period."""
    by_key = {j.key: j for j in jobs}
    live_slugs = {j.slug for j in jobs}
    closed_slugs = {c["slug"] for c in state["closed"].values()}
    return [
        (m["from"], by_key[m["key"]]) for m in state["moved"] if m["key"] in by_key and m["from"] not in live_slugs and m["from"] not in closed_slugs
    ]


def host_rules(closed_paths: list[str], moved_paths: list[tuple[str, str]]) -> dict[str, bytes]:
    """Return Netlify's `_redirects` and `_headers`: closed job URLs answer 410, renamed ones redirect.

    Paths are root-relative URLs (base path included).
    """
    redirects = ["# Generated by careers build: closed jobs answer 410, renamed jobs redirect."]
    headers = [
        "# Generated by careers build.",
        "/assets/*",
        "  Cache-Control: public, max-age=31536000, immutable",
        "/media/*",
        "  Cache-Control: public, max-age=31536000, immutable",
    ]
    for path in sorted(closed_paths):
        redirects.append(f"{path} {path}index.html 410!")
        headers += [f"{path}*", "  X-Robots-Tag: noindex"]
    for old, new in sorted(moved_paths):
        redirects.append(f"{old} {new} 301!")
    return {"_redirects": ("\n".join(redirects) + "\n").encode(), "_headers": ("\n".join(headers) + "\n").encode()}
