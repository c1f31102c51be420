# The grader against hostile code (harness/README.md, "The sandbox"):
#  - grader.hostile_suite: every hostile test program in harness/tests/hostile gets its
#    expected verdict, in time, with a complete report, and nothing survives;
#    grader.hostile_suite_fallback: the same with GRADER_NO_NAMESPACES=1;
#  - grader.hostile_build: submissions that attack the build and the batch (#include of
#    the solutions, /dev/zero, a root-only file, a FIFO, the compile cache's secret; .incbin;
#    symbolic links) get compile-error or are refused, and no report quotes what they
#    reached (harness/tests/hostile/hostile_build.sh);
#  - grader.determinism: the reference solutions get the same verdicts 3 times in a row
#    while every core is busy (scripts/determinism.sh 200 for the long run).
add_subdirectory(${CMAKE_SOURCE_DIR}/harness/tests/hostile ${CMAKE_BINARY_DIR}/hostile)
add_test(NAME grader.hostile_suite COMMAND hostile_check)
set_tests_properties(grader.hostile_suite PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
# The same suite in the fallback (no namespaces: session, subreaper, seccomp filter and a
# grader nobody may trace), which machines without user namespaces get.
add_test(NAME grader.hostile_suite_fallback COMMAND hostile_check)
set_tests_properties(grader.hostile_suite_fallback PROPERTIES
  ENVIRONMENT GRADER_NO_NAMESPACES=1 TIMEOUT 300 RUN_SERIAL TRUE)
if(COURSE_WITH_SOLUTIONS)
  # A batch of its own (a configure and a build per student): slow, and serial, for its compile
  # time limit of 5 s.
  add_test(NAME grader.hostile_build
    COMMAND bash ${CMAKE_SOURCE_DIR}/harness/tests/hostile/hostile_build.sh)
  set_tests_properties(grader.hostile_build PROPERTIES
    ENVIRONMENT "GRADER=$<TARGET_FILE:grader>;SOURCE_DIR=${CMAKE_SOURCE_DIR};PLATFORMS_TMP=${CMAKE_BINARY_DIR}/platforms/tmp"
    TIMEOUT 1200 RUN_SERIAL TRUE LABELS slow)
  add_test(NAME grader.determinism
    COMMAND ${CMAKE_SOURCE_DIR}/scripts/determinism.sh 3 ${CMAKE_BINARY_DIR})
  set_tests_properties(grader.determinism PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)
endif()
# Submissions that attack the result channel from lab code (memory search, interposition,
# the writer called, .preinit_array, main(), IFUNC, dlsym, a swapped reporter): each gets
# its verdict in both sandbox modes (harness/tests/hostile/submissions.json).
if(COURSE_WITH_SOLUTIONS)  # the course only: they start from the untouched stubs
  add_test(NAME grader.hostile_submissions
    COMMAND bash ${CMAKE_SOURCE_DIR}/harness/tests/hostile/hostile_submissions.sh
            $<TARGET_FILE:grader> ${CMAKE_BINARY_DIR})
  set_tests_properties(grader.hostile_submissions PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
endif()
# A failing test tells the processes it caused: planted Lab 04 mistakes (a zombie, a signal
# decoded wrongly, a wait for any child that hangs, a leaked pipe) each show, on the
# scoreboard, the timeline line that names the culprit (harness/tests/timeline/).
add_subdirectory(${CMAKE_SOURCE_DIR}/harness/tests/timeline ${CMAKE_BINARY_DIR}/timeline)
# The run's deadline is shared between the labs: a Lab 04 that hangs costs only Lab 04.
if(COURSE_WITH_SOLUTIONS)
  foreach(check timeline_mistakes deadline_shares)
    add_test(NAME grader.${check}
      COMMAND bash ${CMAKE_SOURCE_DIR}/harness/tests/timeline/${check}.sh
              $<TARGET_FILE:grader> ${CMAKE_BINARY_DIR})
    set_tests_properties(grader.${check} PROPERTIES TIMEOUT 120)
  endforeach()
endif()
