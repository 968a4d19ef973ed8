# Shared set-up for scripts/serve, scripts/test and .ci/run. Source it; do not run it.
# Creates .venv, installs the locked Python packages and Tide, the npm packages, and builds GOV.UK Frontend.

TIDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$TIDE_ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "Need root to run: $*" >&2; return 1; fi
}

apt_install() {
  say "Installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

find_python() {
  for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Tide needs Python 3.11 or newer." >&2; return 1
}

tide_setup() {
  local python stamp
  python="$(find_python)"
  if [ ! -x .venv/bin/python ]; then
    say "Creating the virtual environment (.venv)"
    if ! "$python" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      apt_install python3-venv
      "$python" -m venv .venv
    fi
  fi
  # The locked, hash-checked set (ADR 0080): every package at the version CI tested, refused if its
  # hash differs; then Tide itself without dependencies. The stamp is keyed on the lock file.
  stamp=".venv/.tide-installed-$(cat requirements/dev-lock.txt pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "Installing Python packages (requirements/dev-lock.txt, hash-checked)"
    .venv/bin/python -m pip install -q --require-hashes -r requirements/dev-lock.txt
    .venv/bin/python -m pip install -q --no-deps -e .
    rm -f .venv/.tide-installed-*; touch "$stamp"
  fi
  if ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm; fi
  stamp="node_modules/.tide-installed-$(sha256sum package-lock.json | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "Installing front-end packages"
    npm ci --no-audit --no-fund --loglevel=error
    touch "$stamp"
  fi
  npm run --silent build >/dev/null
}
