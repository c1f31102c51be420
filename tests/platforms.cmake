# The grader's classroom platforms (harness/README.md, "## Platforms"), checked without
# configuring anything new where possible:
#  - the Catch2 template lab (templates/catch2-lab) is built here like a course lab, and
#    graded through its own manifest: solution full marks, stub 0, lab.json = its tests;
#  - the reports of that run are valid JUnit XML, Gradescope, Classroom, PrairieLearn and
#    Autolab JSON (python3; the last two against schemas written from their specifications);
#  - a Catch2 fixture program feeds harness_tests (platforms_test.cpp);
#  - GitHub Classroom's results fit their environment variables, in the worst case;
#  - a lab whose tests all block forever is graded under a run deadline of 3 s, and
#    with --scale 10;
#  - Gradescope's /autograder is simulated, a student release and a batch are graded, and
#    a batch in shards, merged; .gitlab-ci.yml's job is run in a student release: these
#    configure a fresh build of Lab 01 each, reusing this build's grader;
#  - `make new-lab` makes Lab 98 from templates/gtest-lab in a scratch copy, which grades
#    it: solution full marks, stub 0 (harness/tests/fixtures/platforms/new_lab.sh).
set(platforms_dir ${CMAKE_BINARY_DIR}/platforms)
set(platforms_scripts ${CMAKE_SOURCE_DIR}/harness/tests/fixtures/platforms)
set(platforms_python /usr/bin/python3)
if(NOT EXISTS ${platforms_python})
  set(platforms_python python3)
endif()

set(catch2_template ${CMAKE_SOURCE_DIR}/templates/catch2-lab)
if(TARGET harness_catch2_main AND EXISTS ${catch2_template}/lab.json)
  file(READ ${catch2_template}/lab.json template_json)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${catch2_template}/lab.json)
  course_json_list("${template_json}" sources template_sources)
  course_json_list("${template_json}" test_files template_tests)
  course_json_list("${template_json}" hidden_test_files template_hidden)
  list(REMOVE_ITEM template_tests ${template_hidden})
  list(TRANSFORM template_tests PREPEND ${catch2_template}/)
  list(TRANSFORM template_hidden PREPEND ${catch2_template}/)
  # Its visible and hidden tests apart, as a course lab's (cmake/CourseLab.cmake); the
  # hidden programs are built by `all` here, for the checks below that grade --no-build.
  foreach(kind test hidden_test)
    if(kind STREQUAL "test")
      add_library(catch2_template_${kind}_objects OBJECT ${template_tests})
    else()
      add_library(catch2_template_${kind}_objects OBJECT ${template_hidden})
    endif()
    target_include_directories(catch2_template_${kind}_objects PRIVATE ${catch2_template})
    target_link_libraries(catch2_template_${kind}_objects PRIVATE course_support Catch2::Catch2)
    course_strict_warnings(catch2_template_${kind}_objects)
  endforeach()
  foreach(flavour student ref)
    if(flavour STREQUAL "student")
      list(TRANSFORM template_sources PREPEND ${catch2_template}/ OUTPUT_VARIABLE impl)
      set(suffix "")
    else()
      if(NOT EXISTS ${catch2_template}/solution)
        continue()
      endif()
      list(TRANSFORM template_sources PREPEND ${catch2_template}/solution/ OUTPUT_VARIABLE impl)
      set(suffix "_ref")
    endif()
    add_library(catch2_template${suffix} STATIC ${impl})
    target_include_directories(catch2_template${suffix} PUBLIC ${catch2_template})
    target_link_libraries(catch2_template${suffix} PUBLIC course_support)
    add_executable(catch2_template_tests${suffix} $<TARGET_OBJECTS:catch2_template_test_objects>)
    target_link_libraries(catch2_template_tests${suffix} PRIVATE catch2_template${suffix} harness_catch2_main)
    add_executable(catch2_template_hidden_tests${suffix}
                   $<TARGET_OBJECTS:catch2_template_hidden_test_objects>)
    target_link_libraries(catch2_template_hidden_tests${suffix} PRIVATE catch2_template${suffix}
                          harness_catch2_main)
    if(flavour STREQUAL "ref")
      course_strict_warnings(catch2_template_ref)
    endif()
  endforeach()
  # Its own manifest (cmake/CourseLab.cmake writes the JSON), for the grader.
  set(template_reference "")
  set(template_hidden_reference "")
  if(TARGET catch2_template_tests_ref)
    set(template_reference catch2_template_tests_ref)
    set(template_hidden_reference catch2_template_hidden_tests_ref)
  endif()
  string(JSON template_id GET "${template_json}" id)
  course_json_lab(template_entry ${template_id} catch2-lab ${catch2_template}
                  catch2_template_tests ${template_reference})
  course_json_lab_hidden(template_entry catch2_template_hidden_test_objects
                         catch2_template_hidden_tests ${template_hidden_reference})
  course_json_manifest(template_manifest_json "${platforms_dir}/catch2-template")
  string(JSON template_manifest_json SET "${template_manifest_json}" labs 0 "${template_entry}")
  set(template_manifest ${platforms_dir}/catch2-template/course-manifest.json)
  file(GENERATE OUTPUT ${template_manifest} CONTENT "${template_manifest_json}\n")

  add_test(NAME platforms.catch2_template_declares_its_tests
    COMMAND grader --manifest ${template_manifest} --flavor student --check-declared)
  # Its visible program neither lists nor holds its hidden test (hidden_lab.sh proves the
  # rest for a GoogleTest lab, in both sandboxes).
  add_test(NAME platforms.catch2_template_visible_program_lacks_hidden_tests
    COMMAND bash -c "set -e; h='Every exit code from 0 to 255 comes back'
      $1 --list-test-names-only | grep -q 'Exit code of a child that returns'
      ! $1 --list-test-names-only | grep -qF \"$h\"
      $2 --list-test-names-only | grep -qF \"$h\"
      ! grep -qaF \"$h\" $1; grep -qaF \"$h\" $2"
      bash $<TARGET_FILE:catch2_template_tests> $<TARGET_FILE:catch2_template_hidden_tests>)
  add_test(NAME platforms.catch2_template_stub_has_todos
    COMMAND grader --manifest ${template_manifest} --check-stubs)
  add_test(NAME platforms.catch2_template_stub_scores_baseline
    COMMAND grader --manifest ${template_manifest} --flavor student --no-build --expect baseline
            --reports ${platforms_dir}/reports/catch2-stub)
  set_tests_properties(platforms.catch2_template_stub_scores_baseline PROPERTIES
    FIXTURES_SETUP platforms_stub_reports)
  if(TARGET catch2_template_tests_ref)
    add_test(NAME platforms.catch2_template_solution_scores_full_marks
      COMMAND grader --manifest ${template_manifest} --flavor reference --no-build --expect full
              --show-hidden --reports ${platforms_dir}/reports/catch2-solution)
  endif()
  # Every report of the stub's run (every test failing: messages, lessons, hidden tests)
  # parsed by Python's own parsers and checked against each platform's schema.
  add_test(NAME platforms.reports_parse
    COMMAND ${platforms_python} ${CMAKE_SOURCE_DIR}/scripts/gradescope/check-results.py
            --reports ${platforms_dir}/reports/catch2-stub --expect-score 0)
  set_tests_properties(platforms.reports_parse PROPERTIES FIXTURES_REQUIRED platforms_stub_reports)

  # A Catch2 program that misbehaves on purpose, for harness_tests (platforms_test.cpp).
  add_executable(grader_catch2_fixture_tests
    ${CMAKE_SOURCE_DIR}/harness/tests/fixtures/catch2_misbehaving_test.cpp)
  target_link_libraries(grader_catch2_fixture_tests PRIVATE harness_catch2_main)
  if(TARGET harness_tests)
    target_compile_definitions(harness_tests PRIVATE
      CATCH2_FIXTURE="$<TARGET_FILE:grader_catch2_fixture_tests>")
    add_dependencies(harness_tests grader_catch2_fixture_tests)
  endif()
endif()

set(platforms_env "GRADER=$<TARGET_FILE:grader>;SOURCE_DIR=${CMAKE_SOURCE_DIR};PLATFORMS_TMP=${platforms_dir}/tmp")

# The schemas check-results.py holds PrairieLearn's and Autolab's files to, written from
# their specifications (harness/tests/fixtures/platforms/specs/), accept the examples those
# specifications give.
add_test(NAME platforms.spec_schemas
  COMMAND ${platforms_python} ${CMAKE_SOURCE_DIR}/scripts/gradescope/check-results.py --specs)
# .gitlab-ci.yml (for students' repositories on GitLab) parses as YAML and follows GitLab's
# CI syntax for the keywords it uses (specs/gitlab-ci.schema.json); its job installs the
# grade packages, runs `make grade` and keeps junit.xml as its JUnit report.
add_test(NAME platforms.gitlab_ci
  COMMAND ${platforms_python} ${CMAKE_SOURCE_DIR}/scripts/check-gitlab-ci.py
          ${CMAKE_SOURCE_DIR}/.gitlab-ci.yml)
set_tests_properties(platforms.gitlab_ci PROPERTIES SKIP_RETURN_CODE 77)

# A lab whose every test blocks forever on a pipe, graded with `--deadline 3`: every test
# is reported, the ones not run say so (harness/README.md, "Deadlines").
set(blocking_lab ${CMAKE_SOURCE_DIR}/harness/tests/fixtures/blocking_lab)
add_executable(blocking_lab_tests ${blocking_lab}/blocking_test.cpp)
target_link_libraries(blocking_lab_tests PRIVATE harness_gtest_main)
set(blocking_manifest ${platforms_dir}/blocking-lab/course-manifest.json)
file(GENERATE OUTPUT ${blocking_manifest} CONTENT
  "{\"source_dir\": \"${CMAKE_SOURCE_DIR}\", \"build_dir\": \"${platforms_dir}/blocking-lab\", \"labs_dir\": \"${CMAKE_SOURCE_DIR}/harness/tests/fixtures\", \"labs\": [{\"id\": \"01\", \"slug\": \"blocking_lab\", \"dir\": \"${blocking_lab}\", \"metadata\": \"${blocking_lab}/lab.json\", \"student\": {\"target\": \"blocking_lab_tests\", \"executable\": \"$<TARGET_FILE:blocking_lab_tests>\"}}]}\n")
add_test(NAME platforms.deadline COMMAND bash ${platforms_scripts}/deadline.sh)
add_test(NAME platforms.scale COMMAND bash ${platforms_scripts}/scale.sh)
set_tests_properties(platforms.deadline platforms.scale PROPERTIES TIMEOUT 120 ENVIRONMENT
  "${platforms_env};MANIFEST=${blocking_manifest};LAB_JSON=${blocking_lab}/lab.json")

# The worst case of GitHub Classroom's results: each lab's fits one environment variable.
add_executable(classroom_payload_tests
  ${CMAKE_SOURCE_DIR}/harness/tests/classroom/classroom_payload_test.cpp)
target_link_libraries(classroom_payload_tests PRIVATE grader_lib harness_sys harness_gtest_main
  nlohmann_json::nlohmann_json)
course_strict_warnings(classroom_payload_tests)
add_test(NAME platforms.classroom_payload_fits COMMAND classroom_payload_tests)

# The slower end-to-end runs: each configures a scratch copy and builds Lab 01 there.
if(COURSE_WITH_SOLUTIONS)
  add_test(NAME platforms.gradescope_simulation
    COMMAND bash ${platforms_scripts}/gradescope_simulation.sh)
  add_test(NAME platforms.batch COMMAND bash ${platforms_scripts}/batch.sh)
  # The class graded once and in 3 shards (the Slurm, GNU parallel and GitHub Actions
  # recipes of templates/batch-shards/), merged: the same gradebook, byte for byte.
  add_test(NAME platforms.batch_shards COMMAND bash ${platforms_scripts}/batch_shards.sh)
  set_tests_properties(platforms.batch_shards PROPERTIES ENVIRONMENT "${platforms_env}"
    TIMEOUT 1200 LABELS slow)
  add_test(NAME platforms.student_release COMMAND bash ${platforms_scripts}/student_release.sh)
  # The GitLab job's script run in a student release (harness/README.md, "GitLab CI").
  add_test(NAME platforms.gitlab_ci_job COMMAND bash ${platforms_scripts}/gitlab_ci.sh)
  set_tests_properties(platforms.gradescope_simulation platforms.batch platforms.student_release
    platforms.gitlab_ci_job PROPERTIES ENVIRONMENT "${platforms_env}" TIMEOUT 600 LABELS slow)
  if(TARGET weave)  # the release's lessons pass the weaver's check without bench/
    set_property(TEST platforms.student_release APPEND PROPERTY ENVIRONMENT
                 "WEAVE=$<TARGET_FILE:weave>")
  endif()
  # `make new-lab` in a scratch copy, graded there (templates/gtest-lab).
  if(TARGET weave AND EXISTS ${CMAKE_SOURCE_DIR}/templates/gtest-lab/lab.json)
    add_test(NAME platforms.new_lab COMMAND bash ${platforms_scripts}/new_lab.sh)
    set_tests_properties(platforms.new_lab PROPERTIES
      ENVIRONMENT "${platforms_env};WEAVE=$<TARGET_FILE:weave>" TIMEOUT 900 LABELS slow)
  endif()
endif()

# A GoogleTest lab with a hidden test, whose visible tests try every way to learn it
# (harness/tests/fixtures/hidden_lab): graded in both sandboxes, the namespaces and the
# fallback (GRADER_NO_NAMESPACES=1): reference full marks, stub 0, and the visible
# program holds nothing of the hidden test (hidden_lab.sh).
set(hidden_lab ${CMAKE_SOURCE_DIR}/harness/tests/fixtures/hidden_lab)
add_library(hidden_lab_test_objects OBJECT ${hidden_lab}/answer_test.cpp)
add_library(hidden_lab_hidden_test_objects OBJECT ${hidden_lab}/answer_hidden_test.cpp)
foreach(objects hidden_lab_test_objects hidden_lab_hidden_test_objects)
  target_include_directories(${objects} PRIVATE ${hidden_lab})
  target_link_libraries(${objects} PRIVATE course_support harness_testsupport)
  course_strict_warnings(${objects})
endforeach()
target_compile_definitions(hidden_lab_test_objects PRIVATE
  HIDDEN_LAB_DIR="${hidden_lab}" COURSE_LABS_DIR="${COURSE_LABS_DIR}"
  HIDDEN_OBJECT="$<TARGET_OBJECTS:hidden_lab_hidden_test_objects>"
  HIDDEN_PROGRAM="$<TARGET_FILE:hidden_lab_hidden_tests>"
  HIDDEN_PROGRAM_REF="$<TARGET_FILE:hidden_lab_hidden_tests_ref>")
foreach(suffix "" _ref)
  set(impl ${hidden_lab}/answer.cpp)
  if(suffix)
    set(impl ${hidden_lab}/solution/answer.cpp)
  endif()
  add_library(hidden_lab${suffix} STATIC ${impl})
  target_include_directories(hidden_lab${suffix} PUBLIC ${hidden_lab})
  course_strict_warnings(hidden_lab${suffix})
  foreach(kind test hidden_test)
    add_executable(hidden_lab_${kind}s${suffix} $<TARGET_OBJECTS:hidden_lab_${kind}_objects>)
    target_link_libraries(hidden_lab_${kind}s${suffix} PRIVATE hidden_lab${suffix} harness_gtest_main)
  endforeach()
endforeach()
course_json_lab(hidden_lab_entry 91 hidden_lab ${hidden_lab} hidden_lab_tests hidden_lab_tests_ref)
course_json_lab_hidden(hidden_lab_entry hidden_lab_hidden_test_objects hidden_lab_hidden_tests
                       hidden_lab_hidden_tests_ref)
course_json_manifest(hidden_lab_manifest_json "${platforms_dir}/hidden-lab")
string(JSON hidden_lab_manifest_json SET "${hidden_lab_manifest_json}" labs 0 "${hidden_lab_entry}")
set(hidden_lab_manifest ${platforms_dir}/hidden-lab/course-manifest.json)
file(GENERATE OUTPUT ${hidden_lab_manifest} CONTENT "${hidden_lab_manifest_json}\n")
add_test(NAME platforms.hidden_lab COMMAND bash ${platforms_scripts}/hidden_lab.sh)
add_test(NAME platforms.hidden_lab_fallback COMMAND bash ${platforms_scripts}/hidden_lab.sh)
set(hidden_lab_env "${platforms_env};MANIFEST=${hidden_lab_manifest}"
    "VISIBLE=$<TARGET_FILE:hidden_lab_tests_ref>;HIDDEN=$<TARGET_FILE:hidden_lab_hidden_tests_ref>")
set_tests_properties(platforms.hidden_lab PROPERTIES TIMEOUT 300 ENVIRONMENT "${hidden_lab_env}")
set_tests_properties(platforms.hidden_lab_fallback PROPERTIES TIMEOUT 300
  ENVIRONMENT "${hidden_lab_env};GRADER_NO_NAMESPACES=1")
