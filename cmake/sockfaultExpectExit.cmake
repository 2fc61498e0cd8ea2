# Runs a command and succeeds only if it exits with SOCKFAULT_EXPECT_EXIT.
# ctest itself only knows "zero passes"; sockfault_add_scenario_test() uses
# this for any other EXPECT_EXIT:
#
#   cmake -DSOCKFAULT_EXPECT_EXIT=N -P sockfaultExpectExit.cmake -- COMMAND [ARGS...]
#
# The command's output goes straight to ctest's.
if(NOT DEFINED SOCKFAULT_EXPECT_EXIT)
  message(FATAL_ERROR "sockfaultExpectExit.cmake: set -DSOCKFAULT_EXPECT_EXIT=N")
endif()
set(cmd "")
set(seen_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(seen_separator)
    list(APPEND cmd "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(seen_separator TRUE)
  endif()
endforeach()
if(NOT cmd)
  message(FATAL_ERROR "sockfaultExpectExit.cmake: no command after --")
endif()
execute_process(COMMAND ${cmd} RESULT_VARIABLE status)
if(NOT "${status}" STREQUAL "${SOCKFAULT_EXPECT_EXIT}")
  # status is a number, or a description such as "Child killed".
  message(FATAL_ERROR "exit status ${status}, expected ${SOCKFAULT_EXPECT_EXIT}")
endif()
