"""The README's shell examples run as written, against the platform as `make run` starts
it: each ```sh block of README.md is one test, run by bash from the checkout with the
variables `chargeback up` tells the reader to export. Only the addresses differ: this
platform listens on free ports, so `127.0.0.1:800N` becomes its own, and the CLI's
address variables name them."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from chargeback.settings import InfraSettings
from chargeback_cli.stack import SERVICES, Stack, StackConfig

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
NOT_RUN = {
    "Quick start": "`make run` and `make test` start the platform and the suite themselves",
    "Budget plans": "the commands name a plan id (`pln_…`) and a business unit's key that only "
    "a running negotiation gives; tests/e2e/test_budget_plans.py runs the same path end to end",
}
# What each example must show besides succeeding (by the heading it is under, in order).
SHOWS = {
    "Sending usage": ['"accepted":1'],
    "The command line": ["accepted 1000", "export CHARGEBACK_API_KEY=cbk_", "9 events rated"],
    "The command line (2)": ["export CHARGEBACK_API_KEY=cbk_", "ok version 2020.1"],
    "Budgets and alerts": ["created acme-ci-monthly", "spent     0.00 USD of 500.00 USD"],
}


def examples() -> list[tuple[str, str]]:
    text = (REPO / "README.md").read_text()
    found, seen = [], {}
    for match in BLOCK.finditer(text):
        heading = re.findall(r"^#+ (.*)$", text[: match.start()], re.M)[-1]
        seen[heading] = seen.get(heading, 0) + 1
        name = heading if seen[heading] == 1 else f"{heading} ({seen[heading]})"
        found.append((name, match.group(1)))
    return found


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = StackConfig(run_dir=tmp_path_factory.mktemp("readme"), infra=InfraSettings())
    with Stack(config).start() as stack:
        yield stack


def shell_env(stack: Stack) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{REPO / '.venv' / 'bin'}:{os.environ['PATH']}",
        "CHARGEBACK_API_KEY": stack.finance_key,
        "EMITTER_KEY": stack.emitter_key,
        "CHARGEBACK_KEYS_FILE": str(stack.keys_file),
        "CHARGEBACK_METERING_URL": stack.url("metering"),
        "CHARGEBACK_RATING_URL": stack.url("rating"),
        "CHARGEBACK_BILLING_URL": stack.url("billing"),
        "BUDGET_MONITOR_URL": stack.url("budget-monitor"),
        "COLUMNS": "200",
    }


def test_every_example_is_tested_or_named_here() -> None:
    names = [name for name, _ in examples()]
    assert set(names) == set(SHOWS) | set(NOT_RUN), names


@pytest.mark.parametrize("name", [name for name, _ in examples()])
def test_readme_example_runs_as_written(name: str, platform: Stack) -> None:
    if name in NOT_RUN:
        pytest.skip(NOT_RUN[name])
    script = dict(examples())[name]
    for spec in SERVICES:  # this platform's ports instead of the documented ones
        script = script.replace(
            f"127.0.0.1:{spec.default_port}", f"127.0.0.1:{platform.ports[spec.name]}"
        )
    ran = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=REPO,
        env=shell_env(platform),
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output
    for expected in SHOWS[name]:
        assert expected in output, output
