# System dependencies: Debian 12 packages only (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

find_package(leveldb CONFIG QUIET)
if(NOT TARGET leveldb::leveldb)
  find_library(LEVELDB_LIB leveldb REQUIRED)
  add_library(leveldb::leveldb UNKNOWN IMPORTED)
  set_target_properties(leveldb::leveldb PROPERTIES IMPORTED_LOCATION "${LEVELDB_LIB}")
endif()

pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
pkg_check_modules(CRYPTOPP REQUIRED IMPORTED_TARGET libcrypto++)

find_package(spdlog CONFIG REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)

if(CORRIDOR_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
if(CORRIDOR_BUILD_BENCH)
  find_package(benchmark CONFIG REQUIRED)
endif()
