#!/usr/bin/env python3
"""Ask Tide's /healthz whether the service is well (the image's HEALTHCHECK, compose, scripts/smoke-deploy).

tide-healthcheck [URL]            exit 0 when /healthz answers 200 (database reachable, queue not stuck)
tide-healthcheck --worker [URL]   and a `tide worker` has beaten within TIDE_JOBS_STALE_SECONDS

URL defaults to http://127.0.0.1:8000/healthz (TIDE_HEALTHZ_URL). Prints /healthz's answer.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    worker = "--worker" in argv
    urls = [arg for arg in argv if not arg.startswith("--")]
    url = urls[0] if urls else os.environ.get("TIDE_HEALTHZ_URL", "http://127.0.0.1:8000/healthz")
    try:
        with urllib.request.urlopen(url, timeout=8) as response:  # noqa: S310 - an http(s) URL we are given
            status, body = response.status, json.load(response)
    except urllib.error.HTTPError as error:
        status, body = error.code, {"status": error.reason}
    except (OSError, ValueError) as error:
        print(f"healthz: no answer from {url}: {error}")
        return 1
    print(json.dumps(body))
    if status != 200:
        return 1
    if worker and body.get("worker", {}).get("status") != "ok":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
