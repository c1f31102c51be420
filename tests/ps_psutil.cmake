# Lab 01: `proc ps --json` (reference build) must agree with psutil on every process.
# Included from tests/CMakeLists.txt. Exit code 77 means psutil is missing: a skip.
if(TARGET proc-ref)
  add_test(NAME lab01.ps_agrees_with_psutil
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/compare_ps_with_psutil.py
                   $<TARGET_FILE:proc-ref>)
  set_tests_properties(lab01.ps_agrees_with_psutil PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)
endif()
