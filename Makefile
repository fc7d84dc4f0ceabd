# Thin wrapper over CMake for newcomers and CI (see README.md).
#   make deps   install the Debian 12 packages the build needs (idempotent)
#   make        configure and build into build/
#   make test   deps + build + every test (ctest)
#   make demo   deps + build + start the bundled fake cloud on 127.0.0.1 and run real reports
#   make install   a Release build installed under PREFIX (default /usr/local; DESTDIR honoured)
#   make deb       a Release build packaged as ./gpubill_VERSION-1_ARCH.deb (CPack)
#   make deb-check lintian, then install the .deb with dpkg, run it, remove it (root or sudo)
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

DEB_PACKAGES := build-essential cmake ninja-build pkg-config \
  nlohmann-json3-dev libcli11-dev libhowardhinnant-date-dev libspdlog-dev catch2 \
  libcurl4-openssl-dev libssl-dev libcpp-httplib-dev libtomlplusplus-dev \
  libbenchmark-dev libsqlite3-dev sqlite3 libpq-dev postgresql-15 zlib1g-dev \
  mandoc bash-completion zsh fish lintian

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# install and the package are Release builds; RelWithDebInfo stays the developer default.
RELEASE_DIR ?= build-release
PREFIX ?= /usr/local

SANITIZE_DIR ?= build-sanitize
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := runpod novita gcore hyperstack vast when config format
FUZZ_PACKAGES := clang libclang-rt-14-dev

.PHONY: all build deps deps-fuzz test test-sanitize fuzz demo clean release-build install deb deb-check

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "make deps: all Debian packages present"; fi

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: deps
	$(MAKE) build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 120

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (leaks included): any
# report fails the test that caused it.
test-sanitize: deps
	cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGPUBILL_SANITIZE=ON -DGPUBILL_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS) --timeout 300

deps-fuzz: deps
	@missing=""; for p in $(FUZZ_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Each libFuzzer target for FUZZ_SECONDS, seeded from fixtures/; new inputs collect in
# $(FUZZ_DIR)/corpus/<target>, crashes in $(FUZZ_DIR)/crashes/<target> (keep them as
# fixtures/fuzz/regressions/<target>/ once fixed). Stops at the first target that fails.
fuzz: deps-fuzz
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DGPUBILL_FUZZ=ON -DGPUBILL_BUILD_TESTS=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS)
	@for t in $(FUZZ_TARGETS); do \
	  seeds=$$(case $$t in when|config|format) echo fixtures/fuzz/$$t-seeds;; *) echo fixtures/$$t;; esac); \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/crashes/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s (seeds: $$seeds)"; \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  $(FUZZ_DIR)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crashes/$$t/ \
	    $(FUZZ_DIR)/corpus/$$t $$seeds fixtures/fuzz/regressions/$$t >$(FUZZ_DIR)/$$t.log 2>&1; \
	  rc=$$?; tail -n 12 $(FUZZ_DIR)/$$t.log; [ $$rc = 0 ] || exit 1; \
	done

# The binary, gpubill(1), the completions and the changelog, built Release for INSTALL_PREFIX
# (the man page names the docs folder under it).
release-build: deps
	cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(INSTALL_PREFIX) $(CMAKE_FLAGS)
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target gpubill gpubill_docs gpubill_changelog

install:
	$(MAKE) release-build INSTALL_PREFIX=$(PREFIX)
	cmake --install $(RELEASE_DIR) --strip

deb:
	$(MAKE) release-build INSTALL_PREFIX=/usr
	rm -f $(RELEASE_DIR)/gpubill_*.deb
	cd $(RELEASE_DIR) && cpack -G DEB
	cp $(RELEASE_DIR)/gpubill_*.deb .
	@ls -l gpubill_*.deb

deb-check: deps
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target gpubill-fakecloud
	$(SUDO) tests/deb_check.sh $(RELEASE_DIR)

demo: deps
	$(MAKE) build
	BUILD_DIR=$(BUILD_DIR) tools/demo.sh

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(FUZZ_DIR) $(RELEASE_DIR) gpubill_*.deb
