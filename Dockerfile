# syntax=docker/dockerfile:1
# Tide's image (ADR 0083): GOV.UK Frontend built by node, Python packages installed from the hash-checked
# lock, and a slim runtime that runs as an unprivileged user. One image, two roles:
#   docker run IMAGE web      migrate, collectstatic, then gunicorn (config/gunicorn.conf.py) on :8000
#   docker run IMAGE worker   `tide worker`: background jobs and the daily routines
#   docker run IMAGE <tide command ...>   any other `tide` command (e.g. `demo`, `audit verify`)
# compose.yaml runs web, worker and PostgreSQL; docs/how-to/run-in-production.md explains the rest.

# --- 1. GOV.UK Frontend: npm's lock file, then the build that copies it into Django's static files -------
FROM node:22-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/build-assets.mjs scripts/build-assets.mjs
RUN mkdir -p tide/core/static && npm run build

# --- 2. Python packages from requirements/lock.txt (--require-hashes), then Tide's wheel with the assets -
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/tide
COPY requirements/lock.txt /tmp/lock.txt
RUN /opt/tide/bin/pip install --require-hashes -r /tmp/lock.txt
WORKDIR /src
COPY pyproject.toml README.md ./
COPY config config
COPY tide tide
# The built assets must be in the tree before the wheel is made: the wheel carries them (package-data).
COPY --from=assets /src/tide/core/static/govuk tide/core/static/govuk
RUN /opt/tide/bin/pip install --no-deps . \
 && test -f /opt/tide/lib/python3.11/site-packages/tide/core/static/govuk/govuk-frontend.min.css

# --- 3. Runtime: no compilers, no node, no source tree; a user with no login and no root ----------------
FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 tide \
 && useradd --system --uid 10001 --gid tide --home-dir /var/lib/tide --create-home --shell /usr/sbin/nologin tide
COPY --from=build /opt/tide /opt/tide
COPY deploy/docker-entrypoint.sh /usr/local/bin/tide-entrypoint
COPY deploy/healthcheck.py /usr/local/bin/tide-healthcheck
ENV PATH=/opt/tide/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    TIDE_VAR_DIR=/var/lib/tide \
    TIDE_JOBS_MODE=worker \
    TIDE_BIND=0.0.0.0:8000
USER tide:tide
WORKDIR /var/lib/tide
VOLUME ["/var/lib/tide"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 CMD ["tide-healthcheck"]
ENTRYPOINT ["tide-entrypoint"]
CMD ["web"]
