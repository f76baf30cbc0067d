# Thin driver: scripts/setup.sh installs Debian packages, CMake presets build.
# The two commands of the quick start are `make run` and `make test`.
.PHONY: all setup build release test test-unit asan fuzz bench run run-clean format clean

JOBS ?= $(shell nproc)

all: build

setup:
	@./scripts/setup.sh

build: setup
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j $(JOBS)

release: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# Every test: unit, simulation, cluster, and the fuzz smoke runs (clang).
test: build
	@ctest --preset dev
	@$(MAKE) --no-print-directory fuzz

test-unit: build
	@ctest --preset unit

# AddressSanitizer + UndefinedBehaviorSanitizer build; runs unit + sim tests.
asan: setup
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan

# libFuzzer targets built with clang; CTest runs each on its corpus briefly.
fuzz: setup
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@ctest --preset fuzz

bench: release
	@./scripts/bench.sh

run: build
	@./scripts/run.sh

run-clean: build
	@rm -rf $${CORRIDOR_NET_DIR:-.localnet}
	@./scripts/run.sh

format:
	@git ls-files '*.h' '*.cpp' | xargs clang-format -i

clean:
	@rm -rf build
