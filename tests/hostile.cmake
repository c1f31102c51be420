# The grader against hostile code (harness/README.md, "The sandbox"):
#  - grader.hostile_suite: every hostile test program in harness/tests/hostile gets its
#    expected verdict, in time, with a complete report, and nothing survives;
#    grader.hostile_suite_fallback: the same with GRADER_NO_NAMESPACES=1;
#  - grader.determinism: the reference solutions get the same verdicts 3 times in a row
#    while every core is busy (scripts/determinism.sh 200 for the long run).
add_subdirectory(${CMAKE_SOURCE_DIR}/harness/tests/hostile ${CMAKE_BINARY_DIR}/hostile)
add_test(NAME grader.hostile_suite COMMAND hostile_check)
set_tests_properties(grader.hostile_suite PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)
# The same suite in the fallback (no namespaces: session, subreaper, seccomp filter and a
# grader nobody may trace), which machines without user namespaces get.
add_test(NAME grader.hostile_suite_fallback COMMAND hostile_check)
set_tests_properties(grader.hostile_suite_fallback PROPERTIES
  ENVIRONMENT GRADER_NO_NAMESPACES=1 TIMEOUT 120 RUN_SERIAL TRUE)
if(COURSE_WITH_SOLUTIONS)
  add_test(NAME grader.determinism
    COMMAND ${CMAKE_SOURCE_DIR}/scripts/determinism.sh 3 ${CMAKE_BINARY_DIR})
  set_tests_properties(grader.determinism PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)
endif()
