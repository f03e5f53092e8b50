# Bespoke — standard targets. `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
SWIFT ?= swift
# Release binaries for running the pipeline and benchmarks; tests build in debug.
RELEASE_FLAGS ?= -c release
BIN = $(shell $(SWIFT) build $(RELEASE_FLAGS) --show-bin-path 2>/dev/null)/bespoke
APT_PACKAGES = zlib1g-dev libdeflate-dev libsnappy-dev libzstd-dev libsqlite3-dev pkg-config libopenblas-dev liblapacke-dev
PY_PACKAGES = pyarrow duckdb pandas scikit-learn implicit scikit-surprise

.PHONY: all deps build test lint format bench fixtures fuzz clean

all: build

## deps: install the Debian and Python packages that are missing; does nothing when all are there.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@python3 -c "import pyarrow, duckdb, pandas, sklearn, implicit, surprise" 2>/dev/null || { \
	  echo "deps: installing $(PY_PACKAGES)"; python3 -m pip install -q $(PY_PACKAGES); }

## build: release build of every executable.
build: deps
	$(SWIFT) build $(RELEASE_FLAGS)

## test: the Swift tests (unit, round-trip, corrupt corpus, interoperability with pyarrow/DuckDB).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

## lint: swift-format in lint mode over Sources and Tests.
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Benchmarks

format:
	$(SWIFT) format --in-place --recursive Sources Tests Benchmarks

## bench: speed and memory against pyarrow, pandas, implicit, numpy, surprise and scikit-learn on
## generated data; writes BENCHMARKS.md. BENCH_QUICK=1: features and Learn models only, on small data.
bench: build
	$(SWIFT) build $(RELEASE_FLAGS) --product parquet-bench
	$(SWIFT) build $(RELEASE_FLAGS) --product learn-bench
	@if [ "$(BENCH_QUICK)" != "1" ]; then \
	  python3 Benchmarks/run.py --bench "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/parquet-bench" && \
	  python3 Benchmarks/pipeline_bench.py --bespoke "$(BIN)"; \
	fi
	python3 Benchmarks/features_bench.py --bespoke "$(BIN)" $(if $(filter 1,$(BENCH_QUICK)),--quick)
	python3 Benchmarks/learn_bench.py --bench "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/learn-bench" $(if $(filter 1,$(BENCH_QUICK)),--quick)
	python3 Benchmarks/score_bench.py --bespoke "$(BIN)" $(if $(filter 1,$(BENCH_QUICK)),--quick)

## fixtures: regenerate the committed Fixtures/ (seed 42; the tests check they match).
fixtures: build
	"$(BIN)" fixtures --seed 42 --out Fixtures --gzip

## fuzz: libFuzzer with AddressSanitizer on each reader (FUZZ_TARGETS) for FUZZ_SECONDS seconds each, one
## after another, single process; seeds built from the test corpora (Fuzz/seeds.py) plus Fuzz/corpus/.
## Work in .build-fuzz: corpus/<target> grows across runs, crashes land in crashes/<target>/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= csv jsonl pipeline parquet sniff
FUZZ_BUILD = BESPOKE_FUZZ=1 $(SWIFT) build -c release --build-path .build-fuzz -Xswiftc -sanitize=fuzzer,address \
  -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
fuzz:
	@for t in $(FUZZ_TARGETS); do $(FUZZ_BUILD) --product fuzz-$$t || exit 1; done
	rm -rf .build-fuzz/seeds && python3 Fuzz/seeds.py .build-fuzz/seeds
	@bin="$$($(FUZZ_BUILD) --show-bin-path)"; for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$t .build-fuzz/logs Fuzz/corpus/$$t; \
	  rm -rf .build-fuzz/crashes/$$t; mkdir -p .build-fuzz/crashes/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s (log: .build-fuzz/logs/$$t.log)"; \
	  LSAN_OPTIONS=suppressions=Fuzz/lsan.supp "$$bin/fuzz-$$t" -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=.build-fuzz/crashes/$$t/ .build-fuzz/corpus/$$t .build-fuzz/seeds/$$t Fuzz/corpus/$$t \
	    > .build-fuzz/logs/$$t.log 2>&1; \
	  grep -E "^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|SUMMARY|Fatal error|deadly signal|Test unit written" \
	    .build-fuzz/logs/$$t.log; \
	  test -z "$$(ls .build-fuzz/crashes/$$t)" || { echo "fuzz: $$t failed, input in .build-fuzz/crashes/$$t"; exit 1; }; \
	done

clean:
	rm -rf .build

# ---- The stage engine (docs/engine.md). Override PIPELINE, RUN, A, B, ARGS on the command line:
#   make impute RUN=2026-11-29      make run ARGS="--from impute"      make diff A=2026-11-28 B=2026-11-29
PIPELINE ?= pipeline.json
RUN ?= $(shell date -u +%F)
STAGES = collect dedupe impute outliers features train score
ENGINE_FLAGS = --pipeline "$(PIPELINE)" --run "$(RUN)"

.PHONY: run status diff $(STAGES)

## collect … score: run one stage of the current run (skipped when up to date; FORCE=1 recomputes).
$(STAGES): build
	"$(BIN)" stage $(ENGINE_FLAGS) --stage $@ $(if $(FORCE),--force) $(ARGS)

## run: every stage of pipeline.json that is not up to date, in the current run.
run: build
	"$(BIN)" run $(ENGINE_FLAGS) $(ARGS)

## status: per stage, up to date or why not; exits 1 when work is pending.
status: build
	"$(BIN)" status $(ENGINE_FLAGS) $(ARGS)

## diff: compare two runs, A and B (B defaults to the current run).
diff: build
	@test -n "$(A)" || { echo "usage: make diff A=RUN_A [B=RUN_B]"; exit 64; }
	"$(BIN)" diff --pipeline "$(PIPELINE)" "$(A)" "$(if $(B),$(B),$(RUN))" $(ARGS)
