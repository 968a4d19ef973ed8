"""Settings read from the environment, each checked in a fresh process (config/settings.py)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default'], 'var': str(s.VAR_DIR), 'static': s.STORAGES['staticfiles'],"
    " 'finders': s.WHITENOISE_USE_FINDERS, 'inline': s.TIDE_OUTCOMES_INLINE_LIMIT}, default=str))"
)


def _settings(tmp_path, cwd=ROOT, pythonpath=None, **extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TIDE_LOCAL": "1",
        "TIDE_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    env = {key: value for key, value in env.items() if value is not None}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a constant script
        [sys.executable, "-c", PRINT], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_database_url_keeps_every_option(tmp_path):
    url = (
        "postgres://tide:p%40ss@db.internal:6432/tide_live"
        "?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem&connect_timeout=5&application_name=tide-web"
    )
    db = _settings(tmp_path, DATABASE_URL=url, TIDE_DB_CONN_MAX_AGE="30")["db"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], str(db["PORT"])) == (
        "tide_live",
        "tide",
        "p@ss",
        "db.internal",
        "6432",
    )
    assert db["OPTIONS"] == {
        "sslmode": "verify-full",
        "sslrootcert": "/etc/ssl/db-ca.pem",
        "connect_timeout": 5,
        "application_name": "tide-web",
    }
    assert db["CONN_MAX_AGE"] == 30
    assert db["CONN_HEALTH_CHECKS"] is True


def test_database_url_without_a_name_means_tide_and_another_scheme_is_refused(tmp_path):
    assert _settings(tmp_path, DATABASE_URL="postgresql://u@localhost")["db"]["NAME"] == "tide"
    env = {"PATH": os.environ.get("PATH", ""), "TIDE_LOCAL": "1", "TIDE_VAR_DIR": str(tmp_path / "var")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a constant script
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": "mysql://u@h/db"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "DATABASE_URL scheme 'mysql' is not supported" in result.stderr


def test_outcomes_inline_limit_is_a_setting_named_in_env_example(tmp_path):
    assert _settings(tmp_path)["inline"] == 1000
    assert _settings(tmp_path, TIDE_OUTCOMES_INLINE_LIMIT="250")["inline"] == 250
    assert "\nTIDE_OUTCOMES_INLINE_LIMIT=" in (ROOT / ".env.example").read_text()


def test_static_files_are_hashed_and_compressed_in_production_only(tmp_path):
    local = _settings(tmp_path)
    assert local["static"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert local["finders"] is True
    production = _settings(tmp_path, TIDE_LOCAL=None, TIDE_SECRET_KEY="x" * 60)
    assert production["static"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert production["finders"] is False


def test_var_dir_is_never_inside_the_installed_package(tmp_path):
    # Tide installed as a package: config/ in site-packages with no manage.py beside it.
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "config", site / "config", ignore=shutil.ignore_patterns("__pycache__"))
    run = tmp_path / "srv"
    run.mkdir()
    installed = _settings(tmp_path, cwd=run, pythonpath=f"{site}{os.pathsep}{ROOT}", TIDE_VAR_DIR=None)
    assert installed["var"] == str(run / "var")
    assert not (site / "var").exists()
    # In the source checkout: var/ beside the code, as before; TIDE_VAR_DIR overrides both.
    assert _settings(tmp_path, TIDE_VAR_DIR=None)["var"] == str(ROOT / "var")
    assert _settings(tmp_path)["var"] == str(tmp_path / "var")
