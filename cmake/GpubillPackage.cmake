# The Debian package (`make deb`): CPack's DEB generator over what `cmake --install` puts in
# place, plus what Debian asks of every package: a copyright file, a changelog, a stripped
# binary and complete Depends (docs/install.md, "The Debian package").

# /usr/share/doc/gpubill/copyright in Debian's machine-readable format, the license from
# LICENSE (each line indented, blank lines as " ."), and the changelog gzipped as Debian wants.
file(STRINGS ${PROJECT_SOURCE_DIR}/LICENSE gpubill_license_lines)
list(POP_FRONT gpubill_license_lines)  # "MIT License": the License: line says it
set(GPUBILL_LICENSE_TEXT "")
foreach(line IN LISTS gpubill_license_lines)
  if(line STREQUAL "")
    if(NOT GPUBILL_LICENSE_TEXT STREQUAL "")
      string(APPEND GPUBILL_LICENSE_TEXT " .\n")
    endif()
  else()
    string(APPEND GPUBILL_LICENSE_TEXT " ${line}\n")
  endif()
endforeach()
string(STRIP "${GPUBILL_LICENSE_TEXT}" GPUBILL_LICENSE_TEXT)
string(PREPEND GPUBILL_LICENSE_TEXT " ")
configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/copyright.in
               ${PROJECT_BINARY_DIR}/packaging/copyright @ONLY)
add_custom_command(
  OUTPUT ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz
  COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
          ${PROJECT_BINARY_DIR}/packaging/changelog.Debian
  COMMAND gzip -9nf ${PROJECT_BINARY_DIR}/packaging/changelog.Debian
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
  VERBATIM)
add_custom_target(gpubill_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz)
install(FILES ${PROJECT_BINARY_DIR}/packaging/copyright ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# What lintian says that does not apply to this package, each with why (the file's comments);
# only where lintian looks, under /usr (the package's prefix).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/gpubill.lintian-overrides RENAME gpubill
          DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gpubill)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "The gpubill authors <gpubill@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "what rented GPUs cost, across GPU clouds")
# lintian: each line of the extended description at most 80 characters.
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "gpubill calls the billing APIs of Runpod, Novita, Gcore, Hyperstack and\n"
    "Vast.ai, turns every answer into one kind of cost record (exact decimal\n"
    "amounts, UTC periods, each provider's currency) and prints it as a table,\n"
    "CSV, JSON, NDJSON or FOCUS. A ledger (SQLite, or PostgreSQL for a team) keeps\n"
    "every record, so history outlives the providers' windows and reports run\n"
    "offline.")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # gpubill_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# dpkg-shlibdeps reads what the binary links (libc, libstdc++, sqlite, zlib, spdlog); libcurl
# it loads with dlopen() at the first request, so it is named here by hand, and libpq at the
# first PostgreSQL ledger: recommended, since the default SQLite ledger never needs it (a
# missing libpq is one line naming libpq5 when a postgresql:// ledger is asked for).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.88)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libpq5")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "jq, sqlite3")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
