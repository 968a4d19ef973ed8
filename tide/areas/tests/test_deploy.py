"""`manage.py check --deploy` is clean with production settings (run in a fresh process)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


def _check(tmp_path, **extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TIDE_SECRET_KEY": secrets.token_urlsafe(64),
        "TIDE_FIELD_KEYS": Fernet.generate_key().decode(),
        "TIDE_ALLOWED_HOSTS": "tide.example.gov.uk",
        "TIDE_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_sign_in_codes_are_shown(tmp_path):
    result = _check(tmp_path, TIDE_SHOW_SIGN_IN_CODES="1")
    assert result.returncode != 0
    assert "tide.E001" in result.stdout + result.stderr


def test_check_deploy_warns_without_field_keys_and_fails_on_a_bad_one(tmp_path):
    result = _check(tmp_path, TIDE_FIELD_KEYS="")
    assert result.returncode != 0
    assert "tide.W004" in result.stdout + result.stderr
    result = _check(tmp_path, TIDE_FIELD_KEYS="not-a-key")
    assert result.returncode != 0
    assert "tide.E003" in result.stdout + result.stderr


def test_check_deploy_wants_trusted_proxies_behind_a_proxy_and_refuses_a_bad_one(tmp_path):
    result = _check(tmp_path, TIDE_TRUST_X_FORWARDED_PROTO="1")
    assert result.returncode != 0
    assert "tide.W006" in result.stdout + result.stderr
    assert _check(tmp_path, TIDE_TRUST_X_FORWARDED_PROTO="1", TIDE_TRUSTED_PROXIES="10.0.0.0/8").returncode == 0
    result = _check(tmp_path, TIDE_TRUSTED_PROXIES="the-load-balancer")
    assert result.returncode != 0
    assert "tide.E005" in result.stdout + result.stderr
