# Set-up, run, test and catalog chores. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
STATIC_SOURCES := $(shell find static -type f -not -path 'static/dist/*' 2>/dev/null)
MANIFEST := static/dist/manifest.json
MO_FILES := $(PO_FILES:.po=.mo)
APP_STAMP := $(VENV)/.app-installed
TEST_STAMP := $(VENV)/.test-installed
TRANSLATE_STAMP := $(VENV)/.translate-installed

.DEFAULT_GOAL := help
.PHONY: help install run preview run-proxy test lint format bench test-deps \
	i18n-extract i18n-update i18n-compile i18n-init i18n-check i18n-status

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

install: $(APP_STAMP) $(MO_FILES) $(MANIFEST) ## Create .venv, install the site, compile catalogs, build assets
	@ldconfig -p | grep -q libpangoft2 || echo "note: tax receipts need Pango to be printed: apt-get install $(RECEIPT_LIBRARIES)"

$(APP_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[build]'
	touch $@

# Content-hashed, precompressed copies of the static files, and their manifest.
$(MANIFEST): $(STATIC_SOURCES) src/iuc_portal/build.py $(APP_STAMP)
	$(BIN)/python src/iuc_portal/build.py --only static

# One compiler for the checkout and the wheel (src/iuc_portal/build.py).
$(MO_FILES) &: $(PO_FILES) $(APP_STAMP)
	$(BIN)/python src/iuc_portal/build.py --only catalogs

run: install ## Serve the site with gunicorn on http://127.0.0.1:$(PORT)
	$(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$(PORT) 'iuc_portal:create_app()'

preview: install ## A translator's preview on http://127.0.0.1:$(PORT): every language, saved catalogs shown on reload
	IUC_PREVIEW=1 WEB_CONCURRENCY=1 $(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$(PORT) 'iuc_portal:create_app()'

run-proxy: install ## Production tried locally: nginx on https://localhost:$(PORT) in front of gunicorn
	@command -v nginx >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx)
	$(BIN)/python deploy/nginx.py run --port $(PORT)

$(TEST_STAMP): $(APP_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[build,test]'
	touch $@

# translate-toolkit, for the catalog check and for starting a language.
$(TRANSLATE_STAMP): $(APP_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[build,translate]'
	touch $@

# What the tests start for real: Chromium for the browser tests, Java for the
# HTML checker, PostgreSQL and Redis for the store and several-node tests, nginx,
# GNU msgfmt (the catalog check is compared with it), and what the tax receipts
# are printed with (Pango, HarfBuzz, the DejaVu fonts).
# Where apt cannot install them, those tests fail and say how; the others run.
RECEIPT_LIBRARIES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
APT_PACKAGES := $(if $(wildcard $(CHROMIUM)),,chromium) \
	$(if $(shell command -v java),,default-jre-headless) \
	$(if $(wildcard /usr/lib/postgresql/*/bin/postgres),,postgresql) \
	$(if $(shell command -v redis-server),,redis-server) \
	$(if $(shell command -v nginx),,nginx) \
	$(if $(shell command -v msgfmt),,gettext) \
	$(if $(shell fc-list 2>/dev/null | grep -q DejaVuSans.ttf && ldconfig -p | grep -q libpangoft2 && echo ok),,$(RECEIPT_LIBRARIES))
test-deps: node_modules/.package-lock.json
	@if [ -n "$(strip $(APT_PACKAGES))" ]; then \
		echo "Installing $(strip $(APT_PACKAGES)) for the tests (apt-get)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES)) \
			|| echo "Could not install $(APT_PACKAGES); the tests that need them will fail until they are."; \
	fi

# The Nu Html Checker, at the exact version in package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

lint: $(TEST_STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP) ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install $(TEST_STAMP) test-deps lint i18n-check ## Everything the tests need, then the whole suite
	$(BIN)/pytest

bench: install $(TEST_STAMP) test-deps ## Benchmarks: ratios and checks measured in one run
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/donations.py

# Catalog chores (flask --app iuc_portal i18n --help). LOCALE, not LANG: make
# passes command-line variables to every recipe, and LANG would change the
# locale of every tool it runs.
FLASK := $(BIN)/flask --app iuc_portal

i18n-extract: install ## Collect strings from Python, templates and JSON into messages.pot
	$(FLASK) i18n extract

i18n-update: install ## Extract, then merge messages.pot into every catalog
	$(FLASK) i18n update

i18n-compile: install ## Compile every catalog and report statistics
	$(FLASK) i18n compile

i18n-init: install $(TRANSLATE_STAMP) ## Start a new language: make i18n-init LOCALE=de
	@test -n "$(LOCALE)" || { echo "usage: make i18n-init LOCALE=xx"; exit 2; }
	$(FLASK) i18n init $(LOCALE)

i18n-check: install $(TRANSLATE_STAMP) ## Name, with file and line, every catalog mistake a visitor would see
	$(FLASK) i18n check

i18n-status: install ## Completeness of each language
	$(FLASK) i18n status
