# Every external dependency, all from Debian 12 packages (`make deps`). No FetchContent:
# builds have no network.
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(date REQUIRED)
find_package(spdlog REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(CURL REQUIRED)
find_package(Threads REQUIRED)
# The embedded ledger (libsqlite3-dev): linked, not loaded (docs/ledger.md).
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)  # zlib1g-dev: export focus writes .csv.gz
find_package(PkgConfig REQUIRED)
# The team ledger (libpq-dev): linked too; its pkg-config file names the library and headers
# (CMake's FindPostgreSQL also wants the server's headers, which libpq-dev does not carry).
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
if(GPUBILL_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  # cpp-httplib: the in-process fake provider server. Tests and tools only, never gpubill.
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
  # OpenSSL (libssl-dev, which libcurl4-openssl-dev already pulls in): the tests' TLS server
  # with a self-signed certificate (tests/support/raw_server.cpp).
  find_package(OpenSSL 3 REQUIRED)
  if(GPUBILL_BUILD_BENCH)
    find_package(benchmark REQUIRED)  # libbenchmark-dev
  endif()
endif()
