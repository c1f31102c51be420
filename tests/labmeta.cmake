# Lab metadata has one format, harness/labmeta/lab.schema.json (JSON Schema 2020-12):
#  - course.lab_json_schema: every labs/*/lab.json and templates/*/lab.json is valid;
#  - course.lab_json_schema_rejects_broken: the broken files in
#    harness/labmeta/tests/broken/ are all rejected, so the check can fail;
#  - course.labs_say_what_they_build_on: the README's table of labs and each lesson's
#    opening say which tasks of which labs the lab uses, as its lab.json's "uses" does
#    (scripts/check-builds-on.py; --fix writes them).
# Validated by python3-jsonschema (scripts/deps.sh test); harness_tests checks that the
# C++ reader (harness_labmeta) rejects the same broken files.
set(lab_schema ${CMAKE_SOURCE_DIR}/harness/labmeta/lab.schema.json)
set(lab_schema_python /usr/bin/python3)
if(NOT EXISTS ${lab_schema_python})
  set(lab_schema_python python3)
endif()
file(GLOB lab_json_files CONFIGURE_DEPENDS ${COURSE_LABS_DIR}/*/lab.json
     ${CMAKE_SOURCE_DIR}/templates/*/lab.json)
file(GLOB broken_lab_json_files CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/harness/labmeta/tests/broken/*.json)
add_test(NAME course.lab_json_schema
  COMMAND ${lab_schema_python} ${CMAKE_SOURCE_DIR}/scripts/check-lab-json.py
          --schema ${lab_schema} ${lab_json_files})
add_test(NAME course.lab_json_schema_rejects_broken
  COMMAND ${lab_schema_python} ${CMAKE_SOURCE_DIR}/scripts/check-lab-json.py
          --schema ${lab_schema} --expect-invalid ${broken_lab_json_files})
add_test(NAME course.labs_say_what_they_build_on
  COMMAND ${lab_schema_python} ${CMAKE_SOURCE_DIR}/scripts/check-builds-on.py ${CMAKE_SOURCE_DIR})
