# Thin wrapper over CMake for newcomers and CI (see README.md).
#   make deps   install the Debian 12 packages the build needs (idempotent)
#   make        configure and build into build/
#   make test   deps + build + every test (ctest)
#   make demo   deps + build + start the bundled fake cloud on 127.0.0.1 and run real reports
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

DEB_PACKAGES := build-essential cmake ninja-build pkg-config \
  nlohmann-json3-dev libcli11-dev libhowardhinnant-date-dev libspdlog-dev catch2 \
  libcurl4-openssl-dev libcpp-httplib-dev libtomlplusplus-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build deps test demo clean

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

demo: deps
	$(MAKE) build
	BUILD_DIR=$(BUILD_DIR) tools/demo.sh

clean:
	rm -rf $(BUILD_DIR)
