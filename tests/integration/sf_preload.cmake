# What a test needs in its environment to have the shim preloaded into a
# program, in this build:
#
#   SF_TEST_PRELOAD   the LD_PRELOAD value: the shim, behind the sanitizer
#                     runtime when the shim is built with one (an ASan/TSan
#                     shim in a program that is not instrumented needs the
#                     runtime loaded first)
#   SF_SAN_RUNTIME    that runtime alone ("" without sanitizers)
#   SF_SAN_ENV        the sanitizer options that go with it (a list)
#   SF_SAN_ENV_FOREIGN  the same for programs we did not build (python3,
#                     curl, sh): their own leaks are not ours to report
include_guard(DIRECTORY)

set(SF_SAN_RUNTIME "")
set(SF_SAN_ENV "")
set(SF_SAN_ENV_FOREIGN "")
if(SF_SANITIZE MATCHES "address")
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
    OUTPUT_VARIABLE SF_SAN_RUNTIME OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(SF_SAN_ENV "ASAN_OPTIONS=verify_asan_link_order=0")
  set(SF_SAN_ENV_FOREIGN "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0")
elseif(SF_SANITIZE MATCHES "thread")
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libtsan.so
    OUTPUT_VARIABLE SF_SAN_RUNTIME OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(SF_SAN_ENV "TSAN_OPTIONS=halt_on_error=1")
  set(SF_SAN_ENV_FOREIGN "TSAN_OPTIONS=halt_on_error=1:report_signal_unsafe=0")
elseif(SF_SANITIZE MATCHES "undefined")
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libubsan.so
    OUTPUT_VARIABLE SF_SAN_RUNTIME OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()
if(SF_SANITIZE MATCHES "undefined")
  list(APPEND SF_SAN_ENV "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  list(APPEND SF_SAN_ENV_FOREIGN "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endif()
if(SF_SAN_RUNTIME AND NOT EXISTS "${SF_SAN_RUNTIME}")
  message(FATAL_ERROR "SF_SANITIZE=${SF_SANITIZE}: ${CMAKE_C_COMPILER} has no ${SF_SAN_RUNTIME}")
endif()
if(SF_SAN_RUNTIME)
  set(SF_TEST_PRELOAD "${SF_SAN_RUNTIME} $<TARGET_FILE:sockfault>")
else()
  set(SF_TEST_PRELOAD "$<TARGET_FILE:sockfault>")
endif()
