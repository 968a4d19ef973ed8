.DEFAULT_GOAL := help
.PHONY: help serve test browser lint ci demo verify-audit

help: ## List the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

serve: ## Set up, load the demo area and serve on http://127.0.0.1:8000
	scripts/serve

test: ## Run the test suite on SQLite (DATABASE_URL=postgres://... for PostgreSQL)
	scripts/test

browser: ## Run the browser tests in Debian's Chromium
	scripts/test-browser

lint: ## ruff, formatting and mypy
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && TIDE_LOCAL=1 .venv/bin/mypy

ci: ## Everything CI runs
	bash .ci/run

demo: ## Reload the demo area from scratch
	TIDE_LOCAL=1 .venv/bin/tide demo --reset

verify-audit: ## Prove the audit log's hash chain
	TIDE_LOCAL=1 .venv/bin/tide audit verify
