"""The container image, compose file and systemd units, checked without a container engine (this
machine has none): their commands exist in the `tide` CLI, the image runs as an unprivileged user from
the hash-checked lock, healthchecks use /healthz, stop timeouts exceed the job hand-back's grace.
scripts/smoke-deploy runs the same steps for real in a fresh venv and database (.ci/run step 5)."""

import configparser
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[3]
ENTRYPOINT = ROOT / "deploy" / "docker-entrypoint.sh"


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments left out."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _dockerfile():
        if instruction[0] == "FROM":
            stages.append([])
        stages[-1].append(instruction)
    return stages


def _tide_commands_in(script: str) -> set[str]:
    return set(re.findall(r"(?:^|\s)(?:exec\s+)?tide\s+([a-z_]+)", script, re.MULTILINE))


def test_the_image_is_multi_stage_node_then_python_from_the_lock():
    stages = _stages()
    assert len(stages) == 3
    assert stages[0][0][1].startswith("node:")
    assert " AS assets" in stages[0][0][1]
    assert any(i == "RUN" and "npm ci" in a for i, a in stages[0])
    assert any(i == "RUN" and "npm run build" in a for i, a in stages[0])
    build = stages[1]
    runs = [a for i, a in build if i == "RUN"]
    lock = next(n for n, a in enumerate(runs) if "--require-hashes -r /tmp/lock.txt" in a)
    wheel = next(n for n, a in enumerate(runs) if "--no-deps ." in a)
    assert lock < wheel
    copies = [a for i, a in build if i == "COPY"]
    assets = next(n for n, a in enumerate(copies) if a.startswith("--from=assets"))
    assert any(a == "requirements/lock.txt /tmp/lock.txt" for a in copies)
    assert assets == len(copies) - 1, "the assets are in the tree before the wheel is built"


def test_the_runtime_stage_is_slim_and_runs_as_an_unprivileged_user_with_a_healthcheck():
    runtime = _stages()[-1]
    assert runtime[0][1].startswith("python:3.11-slim")
    users = [a for i, a in runtime if i == "USER"]
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert not any(i == "RUN" and re.search(r"\b(gcc|build-essential|npm)\b", a) for i, a in runtime)
    health = [a for i, a in runtime if i == "HEALTHCHECK"]
    assert health
    assert "tide-healthcheck" in health[0]
    assert dict(runtime)["ENTRYPOINT"] == '["tide-entrypoint"]'
    env = " ".join(a for i, a in runtime if i == "ENV")
    assert "TIDE_VAR_DIR=/var/lib/tide" in env
    assert "TIDE_JOBS_MODE=worker" in env


def test_every_file_the_dockerfile_copies_exists():
    for instruction, args in _dockerfile():
        if instruction == "COPY" and not args.startswith("--from"):
            for source in shlex.split(args)[:-1]:
                assert (ROOT / source).exists(), source


def test_the_entrypoint_runs_migrate_and_collectstatic_for_web_and_commands_the_cli_has():
    script = ENTRYPOINT.read_text()
    assert ENTRYPOINT.stat().st_mode & 0o111
    web = script[script.index("web)") : script.index(";;")]
    assert web.index("tide migrate") < web.index("tide collectstatic") < web.index("exec tide serve")
    assert "exec tide worker" in script
    assert _tide_commands_in(script) <= set(get_commands())


def test_compose_runs_web_worker_and_postgresql_with_a_volume_and_healthchecks():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "db"}
    assert services["web"]["command"] == ["web"]
    assert services["worker"]["command"] == ["worker"]
    assert services["db"]["image"].startswith("postgres:")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["db"]["volumes"])
    assert set(compose["volumes"]) >= {"tide-db", "tide-var"}
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "--worker" in services["worker"]["healthcheck"]["test"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    for name in ("web", "worker"):
        service = services[name]
        assert service["environment"]["TIDE_JOBS_MODE"] == "worker"
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        grace = int(service["stop_grace_period"].rstrip("s"))
        assert grace > settings.TIDE_WORKER_GRACE_SECONDS + 10
        assert "TIDE_SECRET_KEY" in service["environment"]
        assert "DATABASE_URL" in service["environment"]


@pytest.mark.parametrize("unit", ["tide-web.service", "tide-worker.service"])
def test_systemd_units_run_cli_commands_as_tide_and_wait_past_the_grace(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "deploy" / "systemd" / unit)
    service = parser["Service"]
    assert service["User"] == "tide"
    assert int(service["TimeoutStopSec"]) > settings.TIDE_WORKER_GRACE_SECONDS + 10
    assert "TIDE_JOBS_MODE=worker" in service["Environment"]
    text = (ROOT / "deploy" / "systemd" / unit).read_text()
    commands = set(re.findall(r"/opt/tide/bin/tide ([a-z_]+)", text))
    assert commands
    assert commands <= set(get_commands())
    assert parser["Install"]["WantedBy"] == "multi-user.target"


def test_the_lock_files_pin_every_package_with_hashes():
    for name in ("lock.txt", "dev-lock.txt"):
        text = (ROOT / "requirements" / name).read_text()
        pins = re.findall(
            r"^([A-Za-z0-9._-]+)==[^\\\n]+\\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+)", text, re.MULTILINE
        )
        names = re.findall(r"^([A-Za-z0-9._-]+)==", text, re.MULTILINE)
        assert pins, name
        assert len(pins) == len(names), name
    runtime = set(re.findall(r"^([a-z0-9._-]+)==", (ROOT / "requirements" / "lock.txt").read_text(), re.MULTILINE))
    assert {"django", "gunicorn", "dj-database-url", "prometheus-client", "sqlglot", "whitenoise"} <= runtime
