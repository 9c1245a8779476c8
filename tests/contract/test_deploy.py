"""deploy/ agrees with the code: packages, env variables, ports, Dockerfile, Prometheus targets,
Grafana's dashboard (metric names from contracts/metrics.yaml).

Pure file checks; no Docker engine is needed (or used).
"""

from __future__ import annotations

import ast
import copy
import json
import re
import tomllib
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from contract_files import DEPLOY, REPO
from metrics_contract import PREFIXES, SERVICES, documented

COMPOSE = DEPLOY / "compose.yaml"
PROMETHEUS = DEPLOY / "prometheus" / "prometheus.yml"

# The agreed process interface (shared brief envs.md): every variable a service may be given.
COMMON_ENV = {
    "KAFKA_BOOTSTRAP_SERVERS",
    "REDIS_URL",
    "DATABASE_URL",
    "CHARGEBACK_KEYS_FILE",
    "LOG_LEVEL",
    "CHARGEBACK_ENVIRONMENT",
}
SERVICE_ENV = {
    "metering": {
        "METERING_PORT",
        "METERING_HOST",
        "METERING_DEDUP_WINDOW_S",
        "METERING_MAX_BATCH_EVENTS",
        "METERING_MAX_BODY_BYTES",
    },
    "rating": {"RATING_PORT", "RATING_HOST", "CHARGEBACK_PRICE_BOOK", "RATING_DEDUP_TTL_S"},
    "billing": {
        "BILLING_PORT",
        "BILLING_HOST",
        "BILLING_CUSTOMERS_FILE",
        "BILLING_COSTS_FILE",
        "BILLING_FINALIZE_EVERY_S",
        "BILLING_DEFAULT_GRACE_HOURS",
        "BILLING_PROVIDER_NAME",
        "CHARGEBACK_PRICE_BOOK",  # seed price-book versions (the registry is in Redis)
    },
    "budget-monitor": {
        "BUDGET_MONITOR_PORT",
        "BUDGET_MONITOR_HOST",
        "BUDGET_MONITOR_BUDGETS_FILE",
        "BUDGET_MONITOR_DATABASE_URL",  # budgets and subscriptions, in billing's PostgreSQL
        "CHARGEBACK_PRICE_BOOK",  # seed price-book versions
        "CHARGEBACK_TERMS_REDIS_URL",  # the registry, in rating's Redis database
        "BUDGET_MONITOR_BILLING_URL",  # budget plans read actual spend from billing
        "BUDGET_MONITOR_BILLING_KEY",
    },
}
DEFAULT_PORTS = {"metering": 8001, "rating": 8002, "billing": 8003, "budget-monitor": 8004}
NEEDS = {  # which real parts each service is wired to
    "metering": {"kafka", "redis"},
    "rating": {"kafka", "redis"},
    "billing": {"kafka", "redis", "postgres"},
    "budget-monitor": {"kafka", "redis", "postgres"},
}


@cache
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(loaded, dict)
    return loaded


def built() -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in compose()["services"].items() if "build" in svc}


def prefix(service: str) -> str:
    return service.upper().replace("-", "_") + "_"


def environment(svc: dict[str, Any]) -> dict[str, str]:
    env = svc.get("environment", {})
    if isinstance(env, list):  # the `- KEY=value` form
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def mounts(svc: dict[str, Any]) -> list[tuple[str, str]]:
    """(source, target) of every volume; short syntax only (as compose.yaml uses)."""
    result = []
    for volume in svc.get("volumes", []):
        source, target, *_ = volume.split(":")
        result.append((source, target))
    return result


def test_every_workspace_service_is_deployed() -> None:
    services = {p.parent.name for p in (REPO / "services").glob("*/pyproject.toml")}
    assert set(built()) == services == set(SERVICE_ENV)


@pytest.mark.parametrize("service", sorted(SERVICE_ENV))
def test_build_names_an_existing_package_and_dockerfile(service: str) -> None:
    svc = built()[service]
    build = svc["build"]
    context = (DEPLOY / build["context"]).resolve()
    assert context == REPO, "the build context is the workspace root (uv.lock lives there)"
    assert (context / build["dockerfile"]).is_file()
    args = build["args"]
    assert args["SERVICE"] == service
    project = tomllib.loads((REPO / "services" / service / "pyproject.toml").read_text())
    assert project["project"]["name"] == f"chargeback-{service}"
    package = args["PACKAGE"]
    main = REPO / "services" / service / "src" / package / "__main__.py"
    assert main.is_file(), f"`python -m {package}` needs {main.relative_to(REPO)}"
    assert svc.get("command", ["python", "-m", package]) == ["python", "-m", package]


def test_dockerfile_installs_from_the_lock_as_a_non_root_user() -> None:
    dockerfiles = {
        (DEPLOY / s["build"]["context"] / s["build"]["dockerfile"]).resolve()
        for s in built().values()
    }
    assert len(dockerfiles) == 1, "one Dockerfile, one SERVICE build arg"
    text = dockerfiles.pop().read_text()
    assert "COPY pyproject.toml uv.lock" in text
    assert 'uv sync --frozen --no-dev --no-editable --package "chargeback-${SERVICE}"' in text
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "the final stage runs as a non-root user"
    assert 'CMD exec python -m "$SERVICE_PACKAGE"' in text
    assert "SERVICE_PACKAGE=${PACKAGE}" in text


DOCKERFILE = DEPLOY / "docker" / "service.Dockerfile"
DOCKERIGNORE = DEPLOY / "docker" / "service.Dockerfile.dockerignore"


@cache
def workspace_members() -> dict[str, Path]:
    """Distribution name -> folder (relative to the root) of every workspace member."""
    root = tomllib.loads((REPO / "pyproject.toml").read_text())
    members = {}
    for pattern in root["tool"]["uv"]["workspace"]["members"]:
        for folder in sorted(REPO.glob(pattern)):
            if (folder / "pyproject.toml").is_file():
                project = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
                members[project["name"]] = folder.relative_to(REPO)
    return members


def member_dependencies(name: str) -> set[str]:
    """The workspace members `name` needs to run, itself included (transitively)."""
    members = workspace_members()
    needed, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in needed:
            continue
        needed.add(current)
        project = tomllib.loads((REPO / members[current] / "pyproject.toml").read_text())
        for requirement in project["project"].get("dependencies", []):
            dist = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]
            if dist in members:
                todo.append(dist)
    return needed


def build_copies() -> list[list[str]]:
    """The sources of every `COPY` of the build context (not `--from` another stage)."""
    copies = []
    for line in DOCKERFILE.read_text().splitlines():
        args = line.split()[1:]
        if line.startswith("COPY ") and not any(a.startswith("--from") for a in args):
            copies.append(args[:-1])
    return copies


def test_dockerfile_copies_every_member_a_service_needs_and_not_the_cli() -> None:
    members = workspace_members()
    assert {"chargeback", "chargeback-terms", "chargeback-cli"} <= set(members)
    needed = set().union(*(member_dependencies(f"chargeback-{s}") for s in SERVICE_ENV))
    assert "chargeback-cli" not in needed, "a service depends on the people's CLI"
    sources = [source for copy in build_copies() for source in copy]
    # the dependency layer: every needed member's pyproject.toml, before any source
    for name in needed:
        assert f"{members[name].as_posix()}/pyproject.toml" in sources, f"{name} is not copied"
    # the members themselves: every needed folder under a copied one; the CLI under none
    folders = [PurePosixPath(s) for s in sources if (REPO / s).is_dir()]
    for name in needed:
        path = PurePosixPath(members[name].as_posix())
        assert any(f == path or f in path.parents for f in folders), f"{name}'s source"
    cli = PurePosixPath(members["chargeback-cli"].as_posix())
    assert not any(f == cli or f in cli.parents for f in folders), "cli/ is copied"
    assert not any(s.startswith(cli.as_posix()) for s in sources)
    assert cli.as_posix() in DOCKERIGNORE.read_text().split(), "cli/ is in the build context"


def main_commands(service: str) -> set[str]:
    """The commands `python -m <package>` offers, read from its `run_service(...)` call."""
    package = built()[service]["build"]["args"]["PACKAGE"]
    main = REPO / "services" / service / "src" / package / "__main__.py"
    calls = [
        node
        for node in ast.walk(ast.parse(main.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "run_service"
    ]
    assert len(calls) == 1, f"{main.relative_to(REPO)} does not dispatch through run_service"
    (call,) = calls
    assert isinstance(call.args[0], ast.Constant) and call.args[0].value == package
    return {"serve", "keys"} | {k.arg for k in call.keywords if k.arg}


@pytest.mark.parametrize("service", sorted(SERVICE_ENV))
def test_every_service_runs_the_key_commands_itself(service: str) -> None:
    assert "keys" in main_commands(service)


def test_deploy_readme_runs_commands_the_images_have() -> None:
    """`docker compose run … <service> <command>`: the service's own module, a command it has."""
    readme = (DEPLOY / "README.md").read_text()
    runs = re.findall(r"run --rm --no-deps ([\w-]+) \\\n\s+([^\n]+)", readme)
    assert runs, "deploy/README.md shows no command run in a service image"
    for service, command in runs:
        package = built()[service]["build"]["args"]["PACKAGE"]
        assert command.startswith(f"python -m {package} "), command
        assert command.split()[3] in main_commands(service), command
    assert any(c.endswith("keys create --role finance --name ops-admin") for _, c in runs)


# --- env variables ---------------------------------------------------------------------------


def _source_files() -> list[Path]:
    return [
        p
        for root in ("libs", "services")
        for p in (REPO / root).rglob("*.py")
        if "tests" not in p.parts
    ]


def _settings_prefix(cls: ast.ClassDef) -> str | None:
    for stmt in cls.body:
        target = (
            stmt.target
            if isinstance(stmt, ast.AnnAssign)
            else (stmt.targets[0] if isinstance(stmt, ast.Assign) else None)
        )
        if not (isinstance(target, ast.Name) and target.id == "model_config"):
            continue
        if isinstance(stmt.value, ast.Call):
            for keyword in stmt.value.keywords:
                if keyword.arg == "env_prefix" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None


@cache
def names_read_by_the_code() -> frozenset[str]:
    """Env names the code reads: pydantic-settings fields (prefix + field) and string literals.

    Literals used as dict keys are left out: that is code setting a variable for a child
    process (the `chargeback up` stack), not reading it.
    """
    names: set[str] = set()
    for path in _source_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        dict_keys = {
            id(k)
            for node in ast.walk(tree)
            if isinstance(node, ast.Dict)
            for k in node.keys
            if k is not None
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in dict_keys:
                    names.add(node.value)
            elif isinstance(node, ast.ClassDef):
                env_prefix = _settings_prefix(node)
                if env_prefix is None:
                    continue
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.AnnAssign)
                        and isinstance(stmt.target, ast.Name)
                        and stmt.target.id != "model_config"
                    ):
                        names.add((env_prefix + stmt.target.id).upper())
    return frozenset(names)


@pytest.mark.parametrize("service", sorted(SERVICE_ENV))
def test_every_env_variable_is_documented_and_read(service: str) -> None:
    env = environment(built()[service])
    undocumented = set(env) - COMMON_ENV - SERVICE_ENV[service]
    assert not undocumented, f"{service} sets variables nobody agreed on: {undocumented}"
    unread = set(env) - names_read_by_the_code()
    assert not unread, f"{service} sets variables no code under libs/ or services/ reads: {unread}"


@pytest.mark.parametrize("service", sorted(SERVICE_ENV))
def test_env_wires_the_service_to_the_compose_parts(service: str) -> None:
    svc = built()[service]
    env = environment(svc)
    p = prefix(service)
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env[f"{p}HOST"] == "0.0.0.0"
    assert int(env[f"{p}PORT"]) == DEFAULT_PORTS[service]
    assert env["CHARGEBACK_KEYS_FILE"].startswith("/")
    if "redis" in NEEDS[service]:
        assert env["REDIS_URL"].startswith("redis://redis:6379/")
    if "postgres" in NEEDS[service]:
        database = env.get("DATABASE_URL") or env[f"{p}DATABASE_URL"]
        assert database.startswith("postgresql+psycopg://")
        assert "@postgres:5432/" in database
    depends = set(svc["depends_on"])
    assert NEEDS[service] <= depends
    for part in NEEDS[service]:
        assert svc["depends_on"][part]["condition"] == "service_healthy"
        assert "healthcheck" in compose()["services"][part]


@pytest.mark.parametrize("service", sorted(SERVICE_ENV))
def test_every_path_in_env_is_mounted(service: str) -> None:
    """Files and folders the service is pointed at exist in its container (and on the host)."""
    svc = built()[service]
    named = set(compose().get("volumes", {}))
    for key, value in environment(svc).items():
        if not value.startswith("/"):
            continue
        path = PurePosixPath(value)
        holders = [
            (s, t)
            for s, t in mounts(svc)
            if path == PurePosixPath(t) or PurePosixPath(t) in path.parents
        ]
        assert holders, f"{key}={value} is on no volume of {service}"
        source, target = holders[0]
        if source in named:
            continue
        host = (DEPLOY / source / path.relative_to(target)).resolve()
        assert host.exists(), f"{key}: {host} (mounted from the host) does not exist"


@pytest.mark.parametrize("service", sorted(SERVICE_ENV))
def test_ports_and_healthcheck_use_the_service_port(service: str) -> None:
    svc = built()[service]
    port = int(environment(svc)[f"{prefix(service)}PORT"])
    published = [str(p) for p in svc["ports"]]
    assert published
    for mapping in published:
        *_, host, container = mapping.split(":")
        assert int(container) == port and int(host) == port, mapping
    check = " ".join(svc["healthcheck"]["test"])
    assert f":{port}/readyz" in check  # "healthy" once its parts answer


def test_compose_runs_the_agreed_infrastructure() -> None:
    services = compose()["services"]
    kafka = services["kafka"]
    assert kafka["image"] == "apache/kafka:3.9.0"
    env = environment(kafka)
    assert "controller" in env["KAFKA_PROCESS_ROLES"], "KRaft: no ZooKeeper"
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["postgres"]["image"].startswith("postgres:16")
    assert "prometheus" in services and "grafana" in services
    prometheus_mounts = dict(mounts(services["prometheus"]))
    assert (DEPLOY / "prometheus/prometheus.yml").resolve() in {
        (DEPLOY / s).resolve() for s in prometheus_mounts
    }


def test_prometheus_scrapes_every_service_at_its_port() -> None:
    config = yaml.safe_load(PROMETHEUS.read_text())
    scraped: dict[str, str] = {}
    for job in config["scrape_configs"]:
        for static in job.get("static_configs", []):
            for target in static["targets"]:
                scraped[target] = job.get("metrics_path", "/metrics")
    for service, svc in built().items():
        target = f"{service}:{environment(svc)[f'{prefix(service)}PORT']}"
        assert scraped.get(target) == "/metrics", f"{target} is not scraped"


# --- Grafana ---------------------------------------------------------------------------------

GRAFANA = DEPLOY / "grafana"
DATASOURCES = GRAFANA / "provisioning" / "datasources" / "prometheus.yml"
DASHBOARD_PROVIDER = GRAFANA / "provisioning" / "dashboards" / "chargeback.yml"
DASHBOARD = GRAFANA / "dashboards" / "chargeback.json"
PANEL_TYPES = {"row", "timeseries", "stat"}
GRID_COLUMNS = 24
PROMQL_NAME = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")  # metric, label and function names alike
HISTOGRAM_SERIES = ("_bucket", "_sum", "_count")


@cache
def dashboard() -> dict[str, Any]:
    loaded = json.loads(DASHBOARD.read_text())
    assert isinstance(loaded, dict)
    return loaded


def panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel, those inside a collapsed row included."""
    return [p for top in board["panels"] for p in [top, *top.get("panels", [])]]


def exprs(board: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in panels(board) for t in p.get("targets", [])]


def provisioned_datasource() -> dict[str, Any]:
    (datasource,) = yaml.safe_load(DATASOURCES.read_text())["datasources"]
    assert isinstance(datasource, dict)
    return datasource


@cache
def scraped_series() -> frozenset[str]:
    """Names a query can use: counters with `_total`, gauges as named, histograms' series."""
    names: set[str] = set()
    for metric in (m for group in documented().values() for m in group):
        if metric.type == "histogram":
            names.update(metric.name + suffix for suffix in HISTOGRAM_SERIES)
        else:
            names.add(metric.name)
    return frozenset(names)


def platform_series(expr: str) -> set[str]:
    """The platform's series names in a PromQL expression (not functions, labels or
    Prometheus' own metrics)."""
    return {n for n in PROMQL_NAME.findall(expr) if n.startswith(tuple(PREFIXES.values()))}


def platform_metrics(expr: str) -> set[str]:
    """The platform's metric names a PromQL expression reads (a histogram's by its base name)."""
    histograms = {m.name for group in documented().values() for m in group if m.type == "histogram"}
    found = set()
    for name in platform_series(expr):
        base = next((name.removesuffix(s) for s in HISTOGRAM_SERIES if name.endswith(s)), name)
        found.add(base if base in histograms else name)
    return found


def undocumented_metrics(expr: str) -> set[str]:
    """Names in `expr` that contracts/metrics.yaml does not document (as scraped)."""
    return platform_series(expr) - scraped_series()


def dashboard_metric_problems(board: dict[str, Any]) -> list[str]:
    return [
        f"panel {panel['id']} ({panel.get('title')}): {name} is not in contracts/metrics.yaml"
        for panel in panels(board)
        for target in panel.get("targets", [])
        for name in sorted(undocumented_metrics(target["expr"]))
    ]


def test_dashboard_is_the_agreed_overview() -> None:
    board = dashboard()
    assert board["uid"] == "chargeback-overview"
    assert board["title"] == "Chargeback platform"
    assert board["schemaVersion"] >= 39
    assert board["refresh"] == "10s"
    assert board["time"] == {"from": "now-1h", "to": "now"}
    assert board.get("id") is None, "a provisioned dashboard is found by uid, not by database id"


def test_panels_have_unique_ids_and_tile_the_grid() -> None:
    ids = [p["id"] for p in panels(dashboard())]
    assert len(ids) == len(set(ids)), "panel ids repeat"
    taken: dict[tuple[int, int], int] = {}
    for panel in panels(dashboard()):
        assert panel["type"] in PANEL_TYPES, panel["title"]
        grid = panel["gridPos"]
        assert grid["w"] > 0 and grid["h"] > 0 and grid["x"] >= 0 and grid["y"] >= 0
        assert grid["x"] + grid["w"] <= GRID_COLUMNS, f"panel {panel['id']} is wider than the grid"
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in taken, f"panels {taken[x, y]} and {panel['id']} overlap"
                taken[x, y] = panel["id"]


def test_every_panel_queries_the_provisioned_datasource() -> None:
    datasource = provisioned_datasource()
    assert datasource["type"] == "prometheus" and datasource["uid"]
    expected = {"type": "prometheus", "uid": datasource["uid"]}
    for panel in panels(dashboard()):
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == expected, panel["title"]
        assert panel["targets"], f"{panel['title']} has no query"
        for target in panel["targets"]:
            assert target.get("datasource", expected) == expected, panel["title"]
            assert target["expr"].strip(), panel["title"]
    # and the data source is the compose file's Prometheus
    url = urlsplit(datasource["url"])
    prometheus = compose()["services"][url.hostname]
    assert prometheus["image"].startswith("prom/prometheus:")
    assert any(str(p).endswith(f":{url.port}") for p in prometheus["ports"])


def test_dashboard_uses_only_documented_metrics() -> None:
    assert dashboard_metric_problems(dashboard()) == []
    assert set().union(*map(platform_metrics, exprs(dashboard()))), "no platform metric at all"


@pytest.mark.parametrize(
    ("expr", "wrong"),
    [
        ("sum(rate(metering_events_acepted_total[5m]))", {"metering_events_acepted_total"}),
        ("sum(rate(rating_events_rated[5m]))", {"rating_events_rated"}),  # counter: `_total`
        ("histogram_quantile(0.99, rate(rating_batch_seconds[5m]))", {"rating_batch_seconds"}),
        ("rate(billing_late_charges_bucket[5m])", {"billing_late_charges_bucket"}),  # no histogram
        ('sum(budget_monitor_lag{topic="usage.rated"})', {"budget_monitor_lag"}),
        ("sum(rate(chargeback_auth_refused_total[1m]))", {"chargeback_auth_refused_total"}),
    ],
)
def test_the_metric_check_catches_undocumented_names(expr: str, wrong: set[str]) -> None:
    assert undocumented_metrics(expr) == wrong
    doctored = copy.deepcopy(dashboard())
    queried = next(p for p in doctored["panels"] if p.get("targets"))
    queried["targets"].append({"refId": "Z", "expr": expr})
    (problem,) = dashboard_metric_problems(doctored)
    assert f"panel {queried['id']} " in problem and next(iter(wrong)) in problem


def test_the_metric_check_passes_documented_series() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (le) (rate(metering_ingest_seconds_bucket{job="metering"}'
        "[$__rate_interval]))) + sum(rate(metering_ingest_seconds_sum[1m]))"
        " / sum(rate(metering_ingest_seconds_count[1m])) + sum(up) + sum(rating_batch_size_count)"
        " - max by (topic, partition) (rating_consumer_lag_records)"
    )
    assert undocumented_metrics(expr) == set()
    assert platform_metrics(expr) == {
        "metering_ingest_seconds",
        "rating_batch_size",
        "rating_consumer_lag_records",
    }


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_consumer_lag_is_shown_per_topic_and_partition(service: str) -> None:
    (lag,) = [m.name for m in documented()[service] if m.name.endswith("_consumer_lag_records")]
    shown = [e for e in exprs(dashboard()) if lag in platform_metrics(e)]
    assert shown, f"{lag} is on no panel"
    assert any("topic" in e and "partition" in e for e in shown), f"{lag}: not per partition"


def test_dashboard_reconciles_accepted_with_rated_and_rejected() -> None:
    """Invariant 2 (nothing silently dropped) as a stat an operator sees: 0 when caught up."""
    wanted = {
        "metering_events_accepted_total",
        "rating_events_rated_total",
        "rating_events_rejected_total",
    }
    stats = [p for p in panels(dashboard()) if p["type"] == "stat"]
    assert any(platform_metrics(t["expr"]) == wanted for p in stats for t in p["targets"])


def test_the_dashboard_provider_reads_the_mounted_folder() -> None:
    grafana = compose()["services"]["grafana"]
    assert "prometheus" in grafana["depends_on"]
    host_mounts = {
        (DEPLOY / source).resolve(): target
        for source, target in mounts(grafana)
        if source.startswith((".", "/"))
    }
    assert host_mounts[(GRAFANA / "provisioning").resolve()] == "/etc/grafana/provisioning"
    (provider,) = yaml.safe_load(DASHBOARD_PROVIDER.read_text())["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == host_mounts[DASHBOARD.parent.resolve()]


# --- Kubernetes manifests --------------------------------------------------------------------


def k8s_objects(kind: str) -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for obj in yaml.safe_load_all(path.read_text()):
            if obj and obj.get("kind") == kind:
                found[obj["metadata"]["name"]] = obj
    return found


@pytest.mark.parametrize("service", sorted(SERVICE_ENV))
def test_k8s_deployment_matches_compose(service: str) -> None:
    deployment = k8s_objects("Deployment")[service]
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    assert container["command"] == ["python", "-m", built()[service]["build"]["args"]["PACKAGE"]]
    env = {item["name"]: item.get("value") for item in container["env"]}
    assert set(env) <= COMMON_ENV | SERVICE_ENV[service]
    assert set(env) <= names_read_by_the_code()
    assert set(env) == set(environment(built()[service])), "same variables as in compose"
    port = int(env[f"{prefix(service)}PORT"])
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    service_ports = k8s_objects("Service")[service]["spec"]["ports"]
    assert service_ports == [{"name": "http", "port": port, "targetPort": "http"}]


@pytest.mark.parametrize("service", sorted(SERVICE_ENV))
def test_deployments_run_in_production_with_resources_and_probes(service: str) -> None:
    """Compose and Kubernetes run the services as production (the webhook guard on),
    with resource requests and limits, and probes (readiness: /readyz)."""
    svc = built()[service]
    assert environment(svc)["CHARGEBACK_ENVIRONMENT"] == "${CHARGEBACK_ENVIRONMENT:-production}"
    resources = svc["deploy"]["resources"]
    assert resources["limits"]["memory"] and resources["reservations"]["memory"]
    (container,) = k8s_objects("Deployment")[service]["spec"]["template"]["spec"]["containers"]
    env = {item["name"]: item for item in container["env"]}
    ref = env["CHARGEBACK_ENVIRONMENT"]["valueFrom"]["configMapKeyRef"]
    config = k8s_objects("ConfigMap")[ref["name"]]["data"]
    assert config[ref["key"]] == "production"
    assert set(container["resources"]) == {"requests", "limits"}
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    assert {"cpu", "memory"} <= set(container["resources"]["limits"])
    assert container["readinessProbe"] and container["livenessProbe"]


def test_the_deploy_readme_speaks_of_no_faust_and_makes_keys_with_the_images() -> None:
    text = (DEPLOY / "README.md").read_text()
    assert "faust" not in text.lower()
    assert "chargeback keys" not in text  # the people's CLI is in no image
    assert "python -m metering keys revoke" in text
