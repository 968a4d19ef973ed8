#!/bin/sh
# The image's entrypoint (Dockerfile), also run as is by scripts/smoke-deploy:
#   web     bring the database schema up to date, collect the static files (hashed, compressed), then
#           serve with gunicorn and config/gunicorn.conf.py (`tide serve`). TIDE_DEMO=1 loads the demo
#           area first (trying Tide out only: it needs TIDE_LOCAL=1).
#   worker  run background jobs and the daily routines (`tide worker`); SIGTERM hands a job back.
#   *       any `tide` command, e.g. `audit verify` or `createsuperuser`.
set -eu
role="${1:-web}"
case "$role" in
  web)
    shift || true
    tide migrate --noinput
    tide collectstatic --noinput -v0
    if [ "${TIDE_DEMO:-0}" = 1 ]; then tide demo; fi
    exec tide serve "$@"
    ;;
  worker)
    shift
    exec tide worker "$@"
    ;;
  *)
    exec tide "$@"
    ;;
esac
