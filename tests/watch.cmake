# course.watch: `make watch` regrades the lab whose files change, and every lab that builds
# on it, and stops cleanly on Ctrl-C (tests/watch_test.sh, with a stand-in grader that asks
# the real one which labs build on which: no timing, no real grading).
# course.watch_regrades_what_builds_on_lab_03: in this course, a save in Lab 03 regrades
# Labs 03, 04, 07 and 08 (Lab 08 builds on Lab 04, which builds on Lab 03).
add_test(NAME course.watch
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/watch_test.sh ${CMAKE_SOURCE_DIR} $<TARGET_FILE:grader>)
add_test(NAME course.watch_regrades_what_builds_on_lab_03
  COMMAND grader --manifest ${CMAKE_BINARY_DIR}/course-manifest.json --labs-built-on 03)
set_tests_properties(course.watch_regrades_what_builds_on_lab_03 PROPERTIES
  PASS_REGULAR_EXPRESSION "^03 04 07 08\n$")
set_tests_properties(course.watch PROPERTIES TIMEOUT 120)
