# course.grade_while_building: `make` builds each lab in the background, one build at a
# time and in lab order, while the grader grades the labs built, and the grader's build of a
# lab gets that build's output (tests/grade_while_building_test.sh, with stand-ins for cmake
# and the grader: no compile, no timing).
add_test(NAME course.grade_while_building
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/grade_while_building_test.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(course.grade_while_building PROPERTIES TIMEOUT 120)
