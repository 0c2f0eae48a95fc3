# Project-wide warning flags, applied per target with gov_set_warnings().
function(gov_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                         -Wnon-virtual-dtor -Wno-unused-parameter)
  if(GOV_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# gov_add_test(NAME SOURCES... LIBS ...): one gtest binary per module, registered with ctest.
function(gov_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gmock GTest::gtest GTest::gtest_main)
  gov_set_warnings(${name})
  include(GoogleTest)
  # One label per binary (a list would be split by gtest_discover_tests): "unit" unless given.
  set(label unit)
  if(T_LABELS)
    list(GET T_LABELS 0 label)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${label})
endfunction()
