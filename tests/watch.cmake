# course.watch: `make watch` regrades the lab whose files change and stops cleanly on
# Ctrl-C (tests/watch_test.sh, with a stand-in grader: no timing, no real grading).
add_test(NAME course.watch COMMAND bash ${CMAKE_SOURCE_DIR}/tests/watch_test.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(course.watch PROPERTIES TIMEOUT 120)
