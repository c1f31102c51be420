# Lab metadata has one format, harness/labmeta/lab.schema.json (for editors and readers),
# and one reader, harness_labmeta, which enforces it; `grader check` (harness/labcheck)
# runs the course's checks of its labs over that reader:
#  - course.lab_json_schema: every lab.json of the build's labs, and of templates/, reads;
#  - course.lab_json_schema_rejects_broken: the broken files in
#    harness/labmeta/tests/broken/ are all refused, so the check can fail;
#  - course.test_files_define_declared_tests: lab.json declares the tests its test
#    files define (read from the sources; course.labs_declare_their_tests asks the built
#    programs);
#  - labcheck.*_can_fail: each check finds what harness/labcheck/tests/broken-course
#    breaks on purpose;
#  - course.labs_say_what_they_build_on: the README's table of labs and each lesson's
#    opening say which tasks of which labs the lab uses, as its lab.json's "uses" does
#    (scripts/check-builds-on.py; --fix writes them).
set(manifest ${CMAKE_BINARY_DIR}/course-manifest.json)
set(lab_schema_python /usr/bin/python3)
if(NOT EXISTS ${lab_schema_python})
  set(lab_schema_python python3)
endif()
file(GLOB broken_lab_json_files CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/harness/labmeta/tests/broken/*.json)
add_test(NAME course.lab_json_schema COMMAND grader check lab-json --manifest ${manifest})
add_test(NAME course.lab_json_schema_rejects_broken
  COMMAND grader check lab-json --expect-invalid ${broken_lab_json_files})
add_test(NAME course.test_files_define_declared_tests
  COMMAND grader check tests --manifest ${manifest})

# The fixture breaks each rule once; each check must say so (and exit 1: "problem(s)").
set(broken_course ${CMAKE_SOURCE_DIR}/harness/labcheck/tests/broken-course)
add_test(NAME labcheck.given_code_can_fail
  COMMAND grader check given-code --root ${broken_course})
set_tests_properties(labcheck.given_code_can_fail PROPERTIES PASS_REGULAR_EXPRESSION
  "solutions/01-broken/given.cpp: a second copy.*`Error::Error` is defined the same.*`Thing::Thing` is defined the same.*`Pair::Pair` is defined the same.*`helper_only_here` is not a task.*`task_three` .Task 3. has no definition of that name.*given-code: 6 problem")
add_test(NAME labcheck.lab_json_can_fail COMMAND grader check lab-json
  --root ${CMAKE_SOURCE_DIR}/harness/labcheck/tests/misnamed-course)
set_tests_properties(labcheck.lab_json_can_fail PROPERTIES PASS_REGULAR_EXPRESSION
  "\"id\" is \"03\", but its folder is 02-misnamed.*names Lab 01 Task 1, but there is no Lab 01.*lab-json: 2 problem")
add_test(NAME labcheck.tests_can_fail COMMAND grader check tests --root ${broken_course})
set_tests_properties(labcheck.tests_can_fail PROPERTIES PASS_REGULAR_EXPRESSION
  "declares ThingTest.NeverDefined, which none.*defines ThingTest.Undeclared, which lab.json does not declare.*tests: 2 problem")
add_test(NAME labcheck.stubs_can_fail COMMAND grader check stubs --root ${broken_course})
set_tests_properties(labcheck.stubs_can_fail PROPERTIES PASS_REGULAR_EXPRESSION
  "names Task 3, which.*does not have.*no `TODO: Task 2` in its stub.*stubs: 3 problem")

add_test(NAME course.labs_say_what_they_build_on
  COMMAND ${lab_schema_python} ${CMAKE_SOURCE_DIR}/scripts/check-builds-on.py ${CMAKE_SOURCE_DIR})
