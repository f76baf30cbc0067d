# corridor_options: the one INTERFACE target that carries warnings and sanitizer
# flags; every Corridor library and executable links it.
add_library(corridor_options INTERFACE)
target_compile_options(corridor_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wimplicit-fallthrough)
if(CORRIDOR_WERROR)
  target_compile_options(corridor_options INTERFACE -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports false -Wrestrict positives inside libstdc++'s std::string
  # operator+ at -O2 (GCC bug 105329); the warning stays on for other compilers.
  target_compile_options(corridor_options INTERFACE -Wno-restrict)
endif()
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(corridor_options INTERFACE -Wthread-safety)
endif()
if(CORRIDOR_SANITIZE)
  target_compile_options(corridor_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(corridor_options INTERFACE -fsanitize=address,undefined)
endif()
if(CORRIDOR_FUZZ)
  target_compile_options(corridor_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(corridor_options INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(corridor_options INTERFACE ${PROJECT_SOURCE_DIR})

# corridor_library(NAME SOURCES... [DEPS ...])
function(corridor_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC corridor_options ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# corridor_test(NAME LABEL SOURCES... [DEPS ...] [TIMEOUT s])
# One test executable per call, registered with CTest under LABEL
# (unit, sim, cluster, fuzz, bench).
function(corridor_test name label)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT CORRIDOR_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE corridor_options ${ARG_DEPS} GTest::gtest GTest::gmock
                        GTest::gtest_main)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT ${ARG_TIMEOUT})
endfunction()
