# customer_service_process: set-up, demo, tests, lint and benchmarks.
# ODOO_SRC points at an Odoo 19.0 Community source tree (default /opt/odoo).

SHELL := /bin/bash
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup:  ## install what is missing: Debian packages, venv, PostgreSQL cluster, config
	@scripts/setup.sh

demo:  ## set up, create the csp_demo database with demo data, start Odoo on :8069
	@scripts/demo.sh start

stop:  ## stop the Odoo server and the PostgreSQL cluster started by `make demo`
	@scripts/demo.sh stop

test:  ## run every test of the addon on a fresh copy of the template database
	@scripts/test.sh $(if $(TAGS),--tags $(TAGS))

lint:  ## ruff and pylint-odoo's mandatory checks
	@scripts/lint.sh

venv:  ## print the path of the project's virtualenv (in the cache)
	@scripts/setup.sh >/dev/null && source scripts/env.sh && csp_venv

data:  ## build the benchmark database with generated data (CUSTOMERS, PRODUCTS, ORDERS)
	@scripts/generate_data.sh

bench:  ## run the benchmarks on the generated data
	@scripts/bench.sh

serve:  ## serve csp_demo as in production: 2 workers, cron worker, websocket, report-assets server
	@scripts/serve.sh start

serve-stop:  ## stop what `make serve` started (by its PID files; PostgreSQL keeps running)
	@scripts/serve.sh stop

serve-check:  ## start a production-like server, render PDFs at once, check timings and websocket, stop
	@timeout --kill-after=30 900 scripts/serve_check.sh

.PHONY: help setup demo stop test lint venv data bench serve serve-stop serve-check

faults:  ## dunning send on 2 servers, kill -9 cron workers mid-batch, check all exactly once (<= 10 min)
	@timeout --kill-after=30 600 scripts/faults.sh

.PHONY: faults

load:  ## 20 reps, 10 portal customers and head office on a 2-worker server for 3 minutes; checks errors and p95 ratios
	@timeout --kill-after=30 900 scripts/load.sh

.PHONY: load

screenshots:  ## the README's pictures of each user's main screens, from the demo server (starts `make demo`)
	@scripts/demo.sh start >/dev/null && source scripts/env.sh && \
		"$$(csp_venv)/bin/python" scripts/screenshots.py --url "http://127.0.0.1:$$DEMO_PORT" --db "$$DEMO_DB"

.PHONY: screenshots
