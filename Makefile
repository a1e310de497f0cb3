# The two set-up commands: `make demo` and `make test` (see README.md).
BUILD ?= build
JOBS ?= 2
PG_PORT ?= 54329
PG_URL := postgresql://postgres@127.0.0.1:$(PG_PORT)
DEMO_URL := $(PG_URL)/reconcile_demo

TSC := $(BUILD)/tools/node_modules/.bin/tsc
TYPESCRIPT_VERSION := 5.6.3

.PHONY: setup build pg-start pg-stop demo test clean

setup:
	bash scripts/setup.sh

build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

pg-start: setup
	RECONCILE_PG_PORT=$(PG_PORT) bash scripts/pg.sh start >/dev/null

pg-stop:
	RECONCILE_PG_PORT=$(PG_PORT) bash scripts/pg.sh stop

demo: build pg-start
	psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS reconcile_demo WITH (FORCE)" -c "CREATE DATABASE reconcile_demo"
	$(BUILD)/reconcile plan --database "$(DEMO_URL)" --out $(BUILD)/demo.plan.toml
	$(BUILD)/reconcile apply --database "$(DEMO_URL)" $(BUILD)/demo.plan.toml
	$(BUILD)/reconcile plan --database "$(DEMO_URL)" --detailed-exitcode --out $(BUILD)/demo-again.plan.toml

# The TypeScript compiler that the tests run on generated types (from the npm registry).
$(TSC): | setup
	mkdir -p $(BUILD)/tools
	cd $(BUILD)/tools && npm install --no-audit --no-fund --silent typescript@$(TYPESCRIPT_VERSION)

test: build pg-start $(TSC)
	cd $(BUILD) && RECONCILE_TEST_URL="$(PG_URL)/postgres" RECONCILE_BIN="$(CURDIR)/$(BUILD)/reconcile" RECONCILE_TSC="$(CURDIR)/$(TSC)" \
	  RECONCILE_PG_SCRIPT="$(CURDIR)/scripts/pg.sh" RECONCILE_PG_PORT=$(PG_PORT) RECONCILE_PG_LOG="$(CURDIR)/build/pg/server.log" \
	  ctest --output-on-failure -j$(JOBS)

clean:
	RECONCILE_PG_PORT=$(PG_PORT) bash scripts/pg.sh stop
	rm -rf $(BUILD)
