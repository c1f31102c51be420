# course_add_lab(DIR): builds one lab from its lab.json.
#
# For lab NN it defines
#   labNN            the student's implementation (DIR/<sources>), warnings allowed
#   labNN_ref        the reference (solutions/<slug>/<sources>), warnings are errors
#   labNN_tests      the lab's tests linked with labNN       (what `make` grades)
#   labNN_tests_ref  the same tests linked with labNN_ref    (what `make test` grades)
# The tests are compiled once (an object library) and linked twice.
# A lab's "depends" (other lab ids) link the same flavour of those labs.
# The student flavour's own sources (labNN and its programs) are compiled in the grader's
# sandbox (harness/README.md, "The sandbox"): COURSE_COMPILE_LAUNCHER runs each compile
# as nobody, without network, under memory, process and time limits, seeing neither the
# solutions, nor hidden tests, nor build trees, nor other submissions.

set_property(GLOBAL PROPERTY COURSE_LABS "")
set(COURSE_COMPILE_SECONDS 120 CACHE STRING "Seconds one sandboxed compile of student code may take")
set(COURSE_COMPILE_LAUNCHER "" CACHE FILEPATH
    "An existing sandboxed-compile to use (a batch passes its own); empty: this build's")
set(COURSE_SANDBOX_HIDE "" CACHE STRING
    "More folders the sandbox hides from student code (a batch: the other submissions)")

# Compiles @p target's sources in the sandbox (sandboxed-compile, harness/grader).
function(course_sandboxed_compile target)
  set(launcher ${COURSE_COMPILE_LAUNCHER})
  if(NOT launcher)
    set(launcher ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/sandboxed-compile)
    add_dependencies(${target} sandboxed-compile)
  endif()
  set_property(TARGET ${target} PROPERTY CXX_COMPILER_LAUNCHER ${launcher}
    --manifest ${CMAKE_BINARY_DIR}/course-manifest.json --seconds ${COURSE_COMPILE_SECONDS} --)
endfunction()

function(course_json_list json key out)
  set(items "")
  string(JSON n ERROR_VARIABLE err LENGTH "${json}" ${key})
  if(NOT err AND n GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
      string(JSON item GET "${json}" ${key} ${i})
      list(APPEND items "${item}")
    endforeach()
  endif()
  set(${out} "${items}" PARENT_SCOPE)
endfunction()

function(course_add_lab dir)
  get_filename_component(slug ${dir} NAME)
  file(READ ${dir}/lab.json json)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/lab.json)
  string(JSON id GET "${json}" id)
  string(JSON framework ERROR_VARIABLE no_framework GET "${json}" framework)
  if(no_framework)
    set(framework gtest)
  endif()
  course_json_list("${json}" sources sources)
  course_json_list("${json}" tests tests)
  course_json_list("${json}" depends depends)
  course_json_list("${json}" programs programs)

  list(TRANSFORM sources PREPEND ${dir}/ OUTPUT_VARIABLE student_sources)
  list(TRANSFORM tests PREPEND ${dir}/ OUTPUT_VARIABLE test_sources)

  set(flavours student)
  if(COURSE_WITH_SOLUTIONS AND EXISTS ${COURSE_SOLUTIONS_DIR}/${slug})
    list(APPEND flavours ref)
  endif()

  # The tests, compiled once for both flavours.
  add_library(lab${id}_test_objects OBJECT ${test_sources})
  target_include_directories(lab${id}_test_objects PRIVATE ${dir})
  # Headers may include those of the labs this one builds on (wait.hpp -> spawn.hpp).
  # Include paths only: a link would make the reference tests wait for the student's lab.
  foreach(dep IN LISTS depends)
    get_property(dep_dir GLOBAL PROPERTY COURSE_LAB_DIR_${dep})
    target_include_directories(lab${id}_test_objects PRIVATE ${dep_dir})
  endforeach()
  if(framework STREQUAL "catch2")
    target_link_libraries(lab${id}_test_objects PRIVATE course_support Catch2::Catch2)
  else()
    target_link_libraries(lab${id}_test_objects PRIVATE course_support harness_testsupport)
  endif()
  course_strict_warnings(lab${id}_test_objects)

  foreach(flavour IN LISTS flavours)
    if(flavour STREQUAL "student")
      set(suffix "")
      set(impl ${student_sources})
    else()
      set(suffix "_ref")
      list(TRANSFORM sources PREPEND ${COURSE_SOLUTIONS_DIR}/${slug}/ OUTPUT_VARIABLE impl)
    endif()
    add_library(lab${id}${suffix} STATIC ${impl})
    target_include_directories(lab${id}${suffix} PUBLIC ${dir})
    target_link_libraries(lab${id}${suffix} PUBLIC course_support)
    foreach(dep IN LISTS depends)
      target_link_libraries(lab${id}${suffix} PUBLIC lab${dep}${suffix})
    endforeach()
    if(flavour STREQUAL "student")
      course_student_warnings(lab${id}${suffix})
      course_sandboxed_compile(lab${id}${suffix})
    else()
      course_strict_warnings(lab${id}${suffix})
    endif()

    add_executable(lab${id}_tests${suffix} $<TARGET_OBJECTS:lab${id}_test_objects>)
    if(framework STREQUAL "catch2")
      target_link_libraries(lab${id}_tests${suffix} PRIVATE lab${id}${suffix} harness_catch2_main)
    else()
      target_link_libraries(lab${id}_tests${suffix} PRIVATE lab${id}${suffix} harness_gtest_main)
    endif()

    # Programs a lab ships (e.g. Lab 06's `progress`): one .cpp each, linked with the lab.
    foreach(program IN LISTS programs)
      get_filename_component(name ${program} NAME_WE)
      add_executable(${name}${suffix} ${dir}/${program})
      target_link_libraries(${name}${suffix} PRIVATE lab${id}${suffix})
      if(flavour STREQUAL "student")
        course_sandboxed_compile(${name}${suffix})
      endif()
    endforeach()
  endforeach()

  set_property(GLOBAL PROPERTY COURSE_LAB_DIR_${id} ${dir})
  list(JOIN flavours "," flavour_names)
  set_property(GLOBAL APPEND PROPERTY COURSE_LABS "${id}|${slug}|${dir}|${flavour_names}")
endfunction()

# Writes build/course-manifest.json: each lab's folder, metadata file, the CMake targets
# that build its tests and the executables they produce; where the labs and the solutions
# are and what else the sandbox must hide. The grader and sandboxed-compile read it.
function(course_write_manifest)
  get_property(labs GLOBAL PROPERTY COURSE_LABS)
  set(entries "")
  foreach(lab IN LISTS labs)
    string(REPLACE "|" ";" parts "${lab}")
    list(GET parts 0 id)
    list(GET parts 1 slug)
    list(GET parts 2 dir)
    list(GET parts 3 flavour_names)
    string(REPLACE "," ";" flavours "${flavour_names}")
    set(entry "{\"id\": \"${id}\", \"slug\": \"${slug}\", \"dir\": \"${dir}\", \"metadata\": \"${dir}/lab.json\"")
    string(APPEND entry ", \"student\": {\"target\": \"lab${id}_tests\", \"executable\": \"$<TARGET_FILE:lab${id}_tests>\"}")
    if("ref" IN_LIST flavours)
      string(APPEND entry ", \"reference\": {\"target\": \"lab${id}_tests_ref\", \"executable\": \"$<TARGET_FILE:lab${id}_tests_ref>\"}")
    endif()
    string(APPEND entry "}")
    list(APPEND entries "${entry}")
  endforeach()
  list(JOIN entries ",\n    " body)
  set(hide "")
  foreach(path IN LISTS COURSE_SANDBOX_HIDE)
    list(APPEND hide "\"${path}\"")
  endforeach()
  list(JOIN hide ", " hide)
  file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/course-manifest.json CONTENT
"{\n  \"source_dir\": \"${CMAKE_SOURCE_DIR}\",\n  \"build_dir\": \"${CMAKE_BINARY_DIR}\",\n  \"labs_dir\": \"${COURSE_LABS_DIR}\",\n  \"solutions_dir\": \"${COURSE_SOLUTIONS_DIR}\",\n  \"sandbox_hide\": [${hide}],\n  \"labs\": [\n    ${body}\n  ]\n}\n")
  set_property(GLOBAL PROPERTY COURSE_LAB_LIST "${labs}")
endfunction()
