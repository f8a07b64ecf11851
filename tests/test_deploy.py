"""netlify.toml and the GitHub Actions workflow: parsed, checked against the theme and the CLI, and
proved to run the commands the documentation shows.

DOC is the file the documentation lives in: the README.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import stat
import subprocess
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.build import build_site
from generator.cli import NO_CHANGE_EXIT, main
from generator.config import SITE_OPTIONS, load_config
from tests.conftest import REPO

DOC = REPO / "README.md"
NETLIFY = REPO / "netlify.toml"
WORKFLOW = REPO / ".github" / "workflows" / "careers.yml"
RELAY = REPO / "netlify" / "functions" / "ats-webhook.mjs"


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def code_blocks(text: str, language: str) -> list[str]:
    """Return the fenced code blocks of one language, without their indentation."""
    blocks = []
    for indent, body in re.findall(rf"^( *)```{language}\n(.*?)^\1```$", text, re.MULTILINE | re.DOTALL):
        blocks.append("".join(line[len(indent) :] if line.startswith(indent) else line for line in body.splitlines(keepends=True)))
    return blocks


def netlify() -> dict:
    return tomllib.loads(NETLIFY.read_text(encoding="utf-8"))


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def triggers(flow: dict) -> dict:
    return flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true


def steps() -> list[dict]:
    return workflow()["jobs"]["build"]["steps"]


def step(name: str) -> dict:
    return next(s for s in steps() if s.get("name") == name)


def run_lines() -> list[str]:
    return [line.strip() for s in steps() if "run" in s for line in s["run"].strip().splitlines()]


def csp() -> dict[str, list[str]]:
    policy = next(h for h in netlify()["headers"] if h["for"] == "/*")["values"]["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in policy.split(";")) if d}


# -- netlify.toml ----------------------------------------------------------------------------------


def test_netlify_builds_with_the_documented_command_into_the_output_folder() -> None:
    build = netlify()["build"]
    assert build["command"] == "pip install . && careers build"
    assert build["publish"] == SITE_OPTIONS["output"].default == "public"
    assert build["environment"]["PYTHON_VERSION"].startswith("3.")
    assert int(build["environment"]["PYTHON_VERSION"].split(".")[1]) >= 11  # requires-python >= 3.11


def test_the_documentation_shows_netlify_toml_verbatim() -> None:
    assert NETLIFY.read_text(encoding="utf-8") in code_blocks(doc(), "toml")


def test_netlify_functions_and_cache_plugin_exist() -> None:
    config = netlify()
    assert (REPO / config["functions"]["directory"] / "ats-webhook.mjs").is_file()
    [plugin] = config["plugins"]
    folder = REPO / plugin["package"].lstrip("/")
    assert (folder / "manifest.yml").is_file() and (folder / "index.js").is_file()
    assert f"default: {SITE_OPTIONS['cache'].default}" in (folder / "manifest.yml").read_text(encoding="utf-8")


def test_netlify_sends_the_security_headers() -> None:
    values = next(h for h in netlify()["headers"] if h["for"] == "/*")["values"]
    assert values["X-Content-Type-Options"] == "nosniff"
    assert (
        values["Strict-Transport-Security"].startswith("max-age=")
        and int(values["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 31536000
    )
    assert values["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in values["Permissions-Policy"] and "geolocation=()" in values["Permissions-Policy"]
    policy = csp()
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "img-src"):
        assert policy[directive] == ["'self'"], directive
    # Same origin, plus the hash of the theme's one <noscript><style> (nothing else inline).
    assert policy["style-src"][0] == "'self'" and all(v.startswith("'sha256-") for v in policy["style-src"][1:]), policy["style-src"]
    assert "'unsafe-inline'" not in values["Content-Security-Policy"] and "'unsafe-eval'" not in values["Content-Security-Policy"]
    # No rule for every path may set Cache-Control: it would be merged into the fingerprinted files' one.
    assert "Cache-Control" not in values


def test_fingerprinted_files_are_cached_the_same_way_as_the_generated_headers(tmp_path: Path) -> None:
    rules = {h["for"]: h["values"] for h in netlify()["headers"]}
    for folder in ("/assets/*", "/media/*"):
        assert rules[folder]["Cache-Control"] == "public, max-age=31536000, immutable"
    out = build_demo(tmp_path)
    generated = (out / "_headers").read_text(encoding="utf-8")
    for folder in ("/assets/*", "/media/*"):
        assert f"{folder}\n  Cache-Control: {rules[folder]['Cache-Control']}\n" in generated


def test_missing_paths_get_the_404_page() -> None:
    [rule] = netlify()["redirects"]
    assert rule == {"from": "/*", "to": "/404.html", "status": 404}


class Resources(HTMLParser):
    """Collect what a Content-Security-Policy would block on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.styles: list[str] = []  # inline <style> blocks: allowed only by their hash in style-src
        self._script = False
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"inline style on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")
        if tag == "style":
            self._style = True
        if tag == "script":
            kind = (a.get("type") or "").lower()
            self._script = not a.get("src") and kind != "application/ld+json"
            if a.get("src") and not self.same_origin(a["src"]):
                self.problems.append(f"third-party script {a['src']}")
        if tag == "link" and "stylesheet" in (a.get("rel") or "") and not self.same_origin(a.get("href") or ""):
            self.problems.append(f"third-party stylesheet {a.get('href')}")
        if tag in ("img", "source", "iframe", "video", "audio", "embed", "object"):
            for url in [a.get("src") or "", *[c.strip().split()[0] for c in (a.get("srcset") or "").split(",") if c.strip()]]:
                if url and not self.same_origin(url):
                    self.problems.append(f"third-party <{tag}> {url}")

    def handle_data(self, data: str) -> None:
        if self._script and data.strip():
            self.problems.append("inline script")
        if self._style:
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False
        if tag == "style":
            self._style = False

    @staticmethod
    def same_origin(url: str) -> bool:
        return not re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE)


def build_demo(tmp_path: Path) -> Path:
    """Build the repository's demo site (careers.toml + content/) in a copy, offline."""
    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy(REPO / "careers.toml", root / "careers.toml")
    shutil.copytree(REPO / "content", root / "content")
    build_site(load_config(root / "careers.toml"))
    return root / "public"


def test_the_default_theme_passes_the_content_security_policy(tmp_path: Path) -> None:
    out = build_demo(tmp_path)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    style_src = csp()["style-src"]
    problems = []
    for page in pages:
        parser = Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        problems += [f"{page.relative_to(out)}: {p}" for p in parser.problems]
        for style in parser.styles:
            digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
            if f"'sha256-{digest}'" not in style_src:
                problems.append(f"{page.relative_to(out)}: <style> not allowed by a hash in style-src")
    assert problems == []
    # JSON-LD is data, which script-src does not govern: job pages have it and still pass.
    assert 'type="application/ld+json"' in (next(out.glob("jobs/*/index.html"))).read_text(encoding="utf-8")


# -- the workflow -----------------------------------------------------------------------------------


def test_the_workflow_runs_on_a_schedule_by_hand_and_on_webhooks() -> None:
    on = triggers(workflow())
    [schedule] = on["schedule"]
    assert len(schedule["cron"].split()) == 5
    assert "workflow_dispatch" in on
    relay_event = re.search(r'DISPATCH_EVENT = "([^"]+)"', RELAY.read_text(encoding="utf-8")).group(1)
    assert on["repository_dispatch"]["types"] == [relay_event]
    assert workflow()["concurrency"] == {"group": "careers", "cancel-in-progress": False}


def test_the_cache_is_restored_before_the_build_and_saved_after_the_deploy() -> None:
    names = [s.get("name") or s["uses"] for s in steps()]
    restore, save = step("Restore the careers cache"), step("Save the careers cache")
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    assert restore["with"]["path"] == save["with"]["path"] == SITE_OPTIONS["cache"].default
    assert "${{ github.run_id }}" in save["with"]["key"] and restore["with"]["key"] == save["with"]["key"]
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert "if" not in save  # saved only when every step before it succeeded
    assert names.index("Restore the careers cache") < names.index("Build") < names.index("Check") < names.index("Deploy to Netlify")
    assert names.index("Deploy to Netlify") < names.index("Notify Google") < names.index("Save the careers cache")


def test_the_workflow_builds_with_if_changed_then_checks_then_deploys() -> None:
    build = step("Build")["run"]
    assert "careers build --if-changed" in build
    assert f'"$status" -eq {NO_CHANGE_EXIT}' in build and f'"$status" -ne {NO_CHANGE_EXIT}' in build
    assert step("Check")["run"] == f"careers check {SITE_OPTIONS['output'].default}"
    deploy = step("Deploy to Netlify")
    assert deploy["env"] == {"NETLIFY_AUTH_TOKEN": "${{ secrets.NETLIFY_AUTH_TOKEN }}", "NETLIFY_SITE_ID": "${{ secrets.NETLIFY_SITE_ID }}"}
    assert f"--dir {SITE_OPTIONS['output'].default}" in deploy["run"] and "--prod" in deploy["run"]
    for name in ("Check", "Deploy to Netlify", "Notify Google"):
        assert step(name)["if"] == "steps.build.outputs.deploy == 'true'"


def test_secrets_reach_only_the_steps_that_need_them() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for s in steps():
        assert "secrets." not in s.get("run", ""), f"{s.get('name')}: a secret inline in a script would land in the log"
    assert "secrets." not in yaml.safe_dump(workflow()["jobs"]["build"].get("env", {}))
    assert set(step("Build")["env"]) == {"WK_API_KEY", "COMEET_TOKEN", "JUSRECRUIT_API_KEY"}
    assert text.count("secrets.WK_API_KEY") == 1


def test_careers_init_writes_the_same_workflow(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    written = tmp_path / "site" / ".github" / "workflows" / "careers.yml"
    assert written.read_bytes() == WORKFLOW.read_bytes()


def test_the_documentation_shows_the_workflow_commands_in_order() -> None:
    blocks = [[line.strip() for line in block.strip().splitlines()] for block in code_blocks(doc(), "sh")]
    assert run_lines() in blocks


def fake_careers(folder: Path, code: int) -> None:
    script = folder / "careers"
    script.write_text(f"#!/bin/sh\necho \"careers $*\" >> '{folder}/calls'\nexit {code}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize(
    ("careers_exit", "event", "script_exit", "output"),
    [
        (0, "schedule", 0, "deploy=true"),
        (NO_CHANGE_EXIT, "schedule", 0, "deploy=false"),
        (NO_CHANGE_EXIT, "repository_dispatch", 0, "deploy=false"),
        (NO_CHANGE_EXIT, "push", 0, "deploy=true"),
        (NO_CHANGE_EXIT, "workflow_dispatch", 0, "deploy=true"),
        (1, "schedule", 1, ""),
        (2, "push", 2, ""),
    ],
)
def test_the_build_step_maps_exit_codes_to_a_deploy_decision(tmp_path: Path, careers_exit: int, event: str, script_exit: int, output: str) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    fake_careers(tmp_path, careers_exit)
    outputs = tmp_path / "github_output"
    outputs.touch()
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(outputs), "GITHUB_EVENT_NAME": event}
    # GitHub runs `run:` scripts with `bash -e {0}`.
    result = subprocess.run([bash, "-e", "-c", step("Build")["run"]], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == script_exit, result.stderr
    assert outputs.read_text().strip() == output
    assert (tmp_path / "calls").read_text().strip() == "careers build --if-changed"


# -- the documentation -----------------------------------------------------------------------------


def test_the_documentation_covers_every_host_and_custom_domains() -> None:
    text = doc()
    sections = re.split(r"^### ", text, flags=re.MULTILINE)
    titles = {s.splitlines()[0]: s for s in sections[1:]}
    for host in ("Netlify", "GitHub Pages", "Cloudflare Pages", "S3 + CloudFront"):
        assert host in titles, host
        assert "**Custom domain:**" in titles[host], host
    assert any(t.startswith("`careers build --if-changed`: exit code 3") for t in titles)
    assert any(t.startswith("Webhook relay") for t in titles)
    assert any(t.startswith("`careers notify`") for t in titles)


def test_the_documented_yaml_snippets_parse() -> None:
    snippets = code_blocks(doc(), "yaml")
    assert len(snippets) >= 4
    for snippet in snippets:
        assert yaml.safe_load(snippet)


def test_the_cloudflare_headers_step_sends_the_same_policy_as_netlify() -> None:
    policy = next(h for h in netlify()["headers"] if h["for"] == "/*")["values"]["Content-Security-Policy"]
    assert f"Content-Security-Policy: {policy}" in doc()


def test_every_relay_setting_is_documented() -> None:
    source = RELAY.read_text(encoding="utf-8")
    names = set(re.findall(r"env\.([A-Z][A-Z0-9_]+)", source)) | {f"<SOURCE>{suffix}" for suffix in re.findall(r"\$\{prefix\}(_[A-Z_]+)", source)}
    assert names >= {"RELAY_TOKEN", "BUILD_HOOK_URL", "DISPATCH_REPOSITORY", "DISPATCH_TOKEN", "MIN_INTERVAL_SECONDS", "<SOURCE>_SIGNATURE_SECRET"}
    text = doc()
    assert [n for n in sorted(names) if f"`{n}`" not in text] == []


def test_every_relay_error_is_documented() -> None:
    source = RELAY.read_text(encoding="utf-8")
    messages = re.findall(r'error: "([^"]+)"', source)
    assert len(messages) >= 4
    text = doc()
    assert [m for m in messages if m not in text] == []
    for template in re.findall(r"`(the build hook answered|GitHub answered|the build trigger timed out|the build trigger failed)", source):
        assert template in text


def test_the_if_changed_exit_code_is_the_documented_one() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    assert f"Exit {NO_CHANGE_EXIT} when the site is the same as the last build's" in " ".join(result.output.split())
    assert f"| {NO_CHANGE_EXIT} | only with `--if-changed`" in doc()
