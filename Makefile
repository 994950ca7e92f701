# The HLM platform's commands. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv is the one tool everything else comes through; install it from PyPI when it is missing.
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

# Development settings: local PostgreSQL and RabbitMQ, and a signing secret for development tokens.
export HLM_ADMIN_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export HLM_DATABASE ?= hlm
export HLM_DB_HOST ?= 127.0.0.1:5432
export HLM_AMQP_URL ?= amqp://guest:guest@127.0.0.1:5672/
export HLM_JWT_SECRET ?= hlm-development-only-signing-secret-0123456789
export HLM_JWT_ISSUER ?= hlm-dev
export HLM_JWT_AUDIENCE ?= hlm-platform
export HLM_EMAIL_HASH_KEY ?= hlm-development-only-email-hash-key-0123456789

ROLE ?= participant
SUB ?= dev-user
ORG ?= RX1
REGION ?= london
EMAIL ?=

.PHONY: help uv sync web-assets web-screenshots run demo test fuzz lint format token bench bootstrap schemas gateway-models deploy-check images

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

sync: uv web-assets ## install the workspace (all services and libraries) from uv.lock
	@$(UV) sync --all-packages --frozen --quiet

# The web front's NHS.UK frontend (CSS, JS, icons) and axe-core for its tests, from web/package-lock.json.
# Reinstalled only when the lock file is newer than what is installed.
web-assets: web/node_modules/.package-lock.json ## install the web front's npm packages (npm ci in web/)

web/node_modules/.package-lock.json: web/package-lock.json
	@cd web && npm ci --no-audit --no-fund --loglevel=error

web-screenshots: sync ## screenshots of the rater's pages and a released report into web/docs (starts its own platform)
	@$(UV) run --no-sync python scripts/web_screenshots.py

run: sync web-assets ## start the system locally: bootstrap, migrate, load the catalogue, serve, print the URLs
	@$(UV) run --no-sync python scripts/run_local.py

demo: sync ## with `make run` running in another terminal: a 360 from nomination to released report; writes its PDF to var/demo
	@$(UV) run --no-sync python scripts/demo.py

test: sync web-assets ## run every test against a real PostgreSQL and RabbitMQ
	@$(UV) run --no-sync pytest

# `make test` fuzzes every API briefly on a fixed seed; this explores much further on a new seed each run
# (printed at the end; HLM_FUZZ_SEED=<it> repeats the run) and shrinks what fails to its smallest case.
fuzz: sync ## a long API fuzz of every service and the gateway: HLM_FUZZ_EXAMPLES=50 HLM_FUZZ_SEED=random by default
	@HLM_FUZZ_EXAMPLES=$${HLM_FUZZ_EXAMPLES:-50} HLM_FUZZ_SEED=$${HLM_FUZZ_SEED:-random} \
		$(UV) run --no-sync pytest -m fuzz --timeout 3600 -q

lint: sync ## ruff and mypy
	@$(UV) run --no-sync ruff check .
	@$(UV) run --no-sync ruff format --check .
	@$(UV) run --no-sync mypy

format: sync ## apply ruff's formatting and fixes
	@$(UV) run --no-sync ruff format .
	@$(UV) run --no-sync ruff check --fix .

gateway-models: sync ## generate the gateway's models of the services' answers from their OpenAPI documents
	@$(UV) run --no-sync python scripts/gateway_models.py

token: sync ## mint a development JWT: make token ROLE=academy_admin SUB=alice ORG=RX1 REGION=london (EMAIL=a verified address)
	@$(UV) run --no-sync hlm-token --role "$(ROLE)" --sub "$(SUB)" --org "$(ORG)" --region "$(REGION)" $(if $(EMAIL),--email "$(EMAIL)")

# Each benchmark prints its figures beside the goals set for them and records them in $(BENCH_GOALS);
# the summary at the end says which goals are met. The submit's latency goal is at one connection and
# the group report's at 50,000 participants, hence those runs' arguments.
BENCH_GOALS := $(CURDIR)/bench/results/goals.jsonl
bench: export HLM_BENCH_GOALS := $(BENCH_GOALS)
bench: sync ## run every benchmark beside its baseline, print the ratios beside their goals and which are met
	@mkdir -p $(dir $(BENCH_GOALS)) && rm -f $(BENCH_GOALS)
	@$(UV) run --no-sync python bench/catalogue.py
	@$(UV) run --no-sync python bench/survey_submission.py
	@$(UV) run --no-sync python bench/survey_submission.py --concurrency 1
	@$(UV) run --no-sync python bench/report.py --participants 50000
	@$(UV) run --no-sync python bench/facilitator_matching.py
	@$(UV) run --no-sync python bench/register_search.py
	@$(UV) run --no-sync python bench/enrolment.py
	@$(UV) run --no-sync python bench/cohort_allocation.py
	@$(UV) run --no-sync python bench/gateway.py
	@$(UV) run --no-sync python bench/outbox_commit.py
	@$(UV) run --no-sync python bench/web.py
	@$(UV) run --no-sync python bench/national.py
	@$(UV) run --no-sync python bench/goals.py $(BENCH_GOALS)

deploy-check: sync ## validate docker-compose.yml, the Dockerfiles and the Kubernetes overlays (with checkov) offline
	@$(UV) sync --project deploy/k8s/checkov --frozen --quiet
	@$(UV) run --no-sync pytest tests/deploy -q

images: ## build every image (needs Docker with BuildKit)
	docker compose build

bootstrap: sync ## create the database, the service roles and their schemas (idempotent)
	@$(UV) run --no-sync hlm-bootstrap

schemas: sync ## regenerate the JSON Schemas of the events from hlm_contracts
	@$(UV) run --no-sync hlm-contracts-schemas
