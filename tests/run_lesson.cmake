# course.run_lesson: `make run-lesson NAME=...` (scripts/run-lesson.sh) builds a lesson's
# program with the programs it starts and runs it as its lesson shows; an unknown name is
# refused, naming every program (tests/run_lesson_test.sh). It runs the build (up to date
# by then), so it does not share the build tree with another test that builds.
if(TARGET lesson-05-spawn-env AND COURSE_WITH_SOLUTIONS)
  add_test(NAME course.run_lesson
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_lesson_test.sh ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
  set_tests_properties(course.run_lesson PROPERTIES RESOURCE_LOCK build_tree TIMEOUT 300)
  if(TEST docs.site_builds_without_warnings)
    set_tests_properties(docs.site_builds_without_warnings PROPERTIES RESOURCE_LOCK build_tree)
  endif()
endif()
