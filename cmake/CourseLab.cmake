# course_add_lab(DIR): builds one lab from its lab.json.
#
# For lab NN it defines
#   labNN            the student's implementation (DIR/<sources>), warnings allowed
#   labNN_ref        the reference (solutions/<slug>/<sources>), warnings are errors
# Both are built with the code given with the lab (DIR/<given>), which exists once and is
# compiled once (labNN_given).
#   labNN_tests      the lab's visible tests linked with labNN       (what `make` grades)
#   labNN_tests_ref  the same tests linked with labNN_ref            (what `make test` grades)
# and, for a lab with "hidden_test_files", its hidden tests in programs of their own, so
# that no program running a visible test holds anything of a hidden one:
#   labNN_hidden_tests, labNN_hidden_tests_ref   built by the grader only (not by `all`;
#                                                `course_hidden_tests` builds them all)
# The tests are compiled once (object libraries) and linked twice.
# A lab's "depends" (other lab ids) link the same flavour of those labs.
# The student flavour's own sources (labNN and its programs) are compiled in the grader's
# sandbox (harness/README.md, "The sandbox"): COURSE_COMPILE_LAUNCHER runs each compile
# as nobody, without network, under memory, process and time limits, seeing neither the
# solutions, nor hidden tests, nor build trees, nor other submissions.

set_property(GLOBAL PROPERTY COURSE_LAB_IDS "")

# course_lab_dirs(OUT): the lab folders of COURSE_LABS_DIR, in order (01-..., 02-...): each
# NN-* folder holding a lab.json, as harness_labmeta's lab_dirs() finds them. The one list
# of what the build builds; a build with -DCOURSE_LABS_DIR (a batch's) takes it from there.
function(course_lab_dirs out)
  file(GLOB dirs LIST_DIRECTORIES true ${COURSE_LABS_DIR}/[0-9][0-9]-*)
  list(SORT dirs)
  set(labs "")
  foreach(dir IN LISTS dirs)
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/lab.json)
      list(APPEND labs ${dir})
    endif()
  endforeach()
  set(${out} "${labs}" PARENT_SCOPE)
endfunction()

# course_labs(OUT): the ids of the labs course_add_lab() added, in order; each lab's
# properties are course_lab_property(OUT id SLUG|DIR|FLAVOURS|HAS_HIDDEN). Everything that
# goes over the labs (tools/, lessons/, bench/, the manifest) asks these two.
function(course_labs out)
  get_property(ids GLOBAL PROPERTY COURSE_LAB_IDS)
  set(${out} "${ids}" PARENT_SCOPE)
endfunction()

# course_lab_property(OUT id what): SLUG ("01-process"), DIR (its folder), FLAVOURS
# ("student;ref", or "student" without the solutions) or HAS_HIDDEN (1 or 0) of lab @p id.
function(course_lab_property out id what)
  get_property(value GLOBAL PROPERTY COURSE_LAB_${id}_${what})
  set(${out} "${value}" PARENT_SCOPE)
endfunction()
add_custom_target(course_hidden_tests)  # every lab's hidden-test programs, for `make test`
set(COURSE_COMPILE_SECONDS 120 CACHE STRING "Seconds one sandboxed compile of student code may take")
set(COURSE_COMPILE_LAUNCHER "" CACHE FILEPATH
    "An existing sandboxed-compile to use (a batch passes its own); empty: this build's")
set(COURSE_SANDBOX_HIDE "" CACHE STRING
    "More folders the sandbox hides from student code (a batch: the other submissions)")
set(COURSE_COMPILE_CACHE "" CACHE PATH
    "A folder (a batch's, hidden from student code) caching compiled student code by its text")

# Compiles @p target's sources in the sandbox (sandboxed-compile, harness/grader).
function(course_sandboxed_compile target)
  set(launcher ${COURSE_COMPILE_LAUNCHER})
  if(NOT launcher)
    set(launcher ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/sandboxed-compile)
    add_dependencies(${target} sandboxed-compile)
  endif()
  set(cache "")
  if(COURSE_COMPILE_CACHE)
    # Keys leave out the folder holding the labs and this build (a batch's slot), and so
    # do the objects, so that every slot's build may take another's.
    get_filename_component(root ${COURSE_LABS_DIR} DIRECTORY)
    set(cache --cache ${COURSE_COMPILE_CACHE} --cache-root ${root})
    target_compile_options(${target} PRIVATE -ffile-prefix-map=${root}/=)
    course_line_tables_only(${target})  # a batch: nobody steps through it in gdb
  endif()
  set_property(TARGET ${target} PROPERTY CXX_COMPILER_LAUNCHER ${launcher}
    --manifest ${CMAKE_BINARY_DIR}/course-manifest.json --seconds ${COURSE_COMPILE_SECONDS}
    ${cache} --)
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

# The lab's folder and those of the labs it builds on, as @p target's include paths: a
# lab's header may include theirs (wait.hpp -> spawn.hpp). Include paths only: a link would
# make the reference tests wait for the student's lab.
function(course_lab_include_directories target dir depends)
  target_include_directories(${target} PRIVATE ${dir})
  foreach(dep IN LISTS depends)
    course_lab_property(dep_dir ${dep} DIR)
    target_include_directories(${target} PRIVATE ${dep_dir})
  endforeach()
endfunction()

# course_add_test_objects(target framework dir depends files...): an object library of
# test sources @p files, compiled once for both flavours with the framework's headers, or
# nothing when a batch's build imported @p target (cmake/Prebuilt.cmake).
function(course_add_test_objects target framework dir depends)
  course_prebuilt_library(${target})
  if(TARGET ${target})
    return()
  endif()
  add_library(${target} OBJECT ${ARGN})
  course_lab_include_directories(${target} ${dir} "${depends}")
  if(framework STREQUAL "catch2")
    target_link_libraries(${target} PRIVATE course_support Catch2::Catch2)
  else()
    target_link_libraries(${target} PRIVATE course_support harness_testsupport)
  endif()
  course_strict_warnings(${target})
  course_line_tables_only(${target})  # gdb still steps through a test by line
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
  course_json_list("${json}" given given)
  course_json_list("${json}" test_files test_files)
  course_json_list("${json}" depends depends)
  course_json_list("${json}" programs programs)

  list(TRANSFORM sources PREPEND ${dir}/ OUTPUT_VARIABLE student_sources)
  # Code given with the lab: one copy, in the lab's folder, built into both flavours.
  list(TRANSFORM given PREPEND ${dir}/ OUTPUT_VARIABLE given_sources)

  set(flavours student)
  if(COURSE_WITH_SOLUTIONS AND EXISTS ${COURSE_SOLUTIONS_DIR}/${slug})
    list(APPEND flavours ref)
  endif()

  if(framework STREQUAL "catch2")
    set(test_main harness_catch2_main)
  else()
    set(test_main harness_gtest_main)
  endif()

  # The tests, compiled once for both flavours; the hidden ones apart.
  # (A batch's build imports them from the course's build: cmake/Prebuilt.cmake.)
  course_json_list("${json}" hidden_test_files hidden_files)
  set(visible_files ${test_files})
  if(hidden_files)
    list(REMOVE_ITEM visible_files ${hidden_files})
  endif()
  list(TRANSFORM visible_files PREPEND ${dir}/ OUTPUT_VARIABLE test_sources)
  list(TRANSFORM hidden_files PREPEND ${dir}/ OUTPUT_VARIABLE hidden_sources)
  course_add_test_objects(lab${id}_test_objects ${framework} ${dir} "${depends}" ${test_sources})
  if(hidden_sources)
    course_add_test_objects(lab${id}_hidden_test_objects ${framework} ${dir} "${depends}"
                            ${hidden_sources})
    get_property(imported TARGET lab${id}_hidden_test_objects PROPERTY IMPORTED)
    if(NOT imported)
      set_property(TARGET lab${id}_hidden_test_objects PROPERTY EXCLUDE_FROM_ALL TRUE)
    endif()
  endif()

  # The code given with the lab: course code, compiled once (outside the sandbox, with the
  # course's warnings) into an object library that both flavours' libraries take in.
  set(given_objects "")
  if(given_sources)
    course_prebuilt_library(lab${id}_given)
    if(NOT TARGET lab${id}_given)
      add_library(lab${id}_given OBJECT ${given_sources})
      course_lab_include_directories(lab${id}_given ${dir} "${depends}")
      target_link_libraries(lab${id}_given PRIVATE course_support)
      course_strict_warnings(lab${id}_given)
    endif()
    set(given_objects $<TARGET_OBJECTS:lab${id}_given>)
  endif()

  foreach(flavour IN LISTS flavours)
    if(flavour STREQUAL "student")
      set(suffix "")
      set(impl ${student_sources})
    else()
      set(suffix "_ref")
      list(TRANSFORM sources PREPEND ${COURSE_SOLUTIONS_DIR}/${slug}/ OUTPUT_VARIABLE impl)
    endif()
    add_library(lab${id}${suffix} STATIC ${impl} ${given_objects})
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
    target_link_libraries(lab${id}_tests${suffix} PRIVATE lab${id}${suffix} ${test_main})
    if(hidden_sources)
      add_executable(lab${id}_hidden_tests${suffix} EXCLUDE_FROM_ALL
                     $<TARGET_OBJECTS:lab${id}_hidden_test_objects>)
      target_link_libraries(lab${id}_hidden_tests${suffix} PRIVATE lab${id}${suffix} ${test_main})
      add_dependencies(course_hidden_tests lab${id}_hidden_tests${suffix})
    endif()

    # Programs a lab ships (e.g. Lab 06's `progress`): one .cpp each, linked with the lab.
    foreach(program IN LISTS programs)
      string(JSON source GET "${program}" source)
      string(JSON name GET "${program}" name)
      add_executable(${name}${suffix} ${dir}/${source})
      target_link_libraries(${name}${suffix} PRIVATE lab${id}${suffix})
      if(flavour STREQUAL "student")
        course_sandboxed_compile(${name}${suffix})
      endif()
    endforeach()
  endforeach()

  foreach(program IN LISTS programs)
    string(JSON name GET "${program}" name)
    course_json_list("${program}" aliases aliases)
    set(reference "")
    if("ref" IN_LIST flavours)
      set(reference REFERENCE ${name}_ref)
    endif()
    course_add_program(NAME ${name} LAB ${id} STUDENT ${name} ${reference} ALIASES ${aliases})
  endforeach()

  set(has_hidden 0)
  if(hidden_sources)
    set(has_hidden 1)
  endif()
  set_property(GLOBAL APPEND PROPERTY COURSE_LAB_IDS ${id})
  set_property(GLOBAL PROPERTY COURSE_LAB_${id}_SLUG ${slug})
  set_property(GLOBAL PROPERTY COURSE_LAB_${id}_DIR ${dir})
  set_property(GLOBAL PROPERTY COURSE_LAB_${id}_FLAVOURS "${flavours}")
  set_property(GLOBAL PROPERTY COURSE_LAB_${id}_HAS_HIDDEN ${has_hidden})
endfunction()

# course_add_program(NAME name STUDENT target [REFERENCE target] [LAB id] [ALIASES name...]):
# lists a program in the manifest, for the lessons' terminal sessions: ALIASES are the
# names a session types to run the REFERENCE build. Lab programs come from lab.json
# ("programs"); the course's tools (`proc`) call this themselves.
function(course_add_program)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;STUDENT;REFERENCE;LAB" "ALIASES")
  set_property(GLOBAL APPEND PROPERTY COURSE_PROGRAMS ${arg_NAME})
  set_property(GLOBAL PROPERTY COURSE_PROGRAM_${arg_NAME}_STUDENT "${arg_STUDENT}")
  set_property(GLOBAL PROPERTY COURSE_PROGRAM_${arg_NAME}_REFERENCE "${arg_REFERENCE}")
  set_property(GLOBAL PROPERTY COURSE_PROGRAM_${arg_NAME}_LAB "${arg_LAB}")
  set_property(GLOBAL PROPERTY COURSE_PROGRAM_${arg_NAME}_ALIASES "${arg_ALIASES}")
endfunction()

# course_json_string(OUT text): @p text as a JSON string literal, quoted and escaped.
function(course_json_string out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n" text "${text}")
  string(REPLACE "\t" "\\t" text "${text}")
  string(REPLACE "\r" "\\r" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

# course_json_strings(OUT items...): a JSON array of the items, each a JSON string.
function(course_json_strings out)
  set(array "[]")
  set(index 0)
  foreach(item IN LISTS ARGN)
    course_json_string(value "${item}")
    string(JSON array SET "${array}" ${index} "${value}")
    math(EXPR index "${index} + 1")
  endforeach()
  set(${out} "${array}" PARENT_SCOPE)
endfunction()

# course_json_target(OUT target [library]): {"target": ..., "executable": ...} for an
# executable target, and "library" (the lab's own code it links, which the grader inspects)
# when given; paths are generator expressions, filled in by file(GENERATE).
function(course_json_target out target)
  course_json_string(name "${target}")
  course_json_string(exe "$<TARGET_FILE:${target}>")
  set(json "{\"target\": ${name}, \"executable\": ${exe}}")
  if(ARGC GREATER 2)
    course_json_string(library "$<TARGET_FILE:${ARGV2}>")
    string(JSON json SET "${json}" library "${library}")
  endif()
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

# course_json_lab(OUT id slug dir student_target [reference_target]): one lab's entry of a
# manifest: its id, folder, lab.json and the targets that build its tests.
function(course_json_lab out id slug dir student)
  set(entry "{}")
  foreach(key id slug dir)
    course_json_string(value "${${key}}")
    string(JSON entry SET "${entry}" ${key} "${value}")
  endforeach()
  course_json_string(value "${dir}/lab.json")
  string(JSON entry SET "${entry}" metadata "${value}")
  # The lab's library: the test target's name without "_tests" (lab01_tests -> lab01).
  string(REPLACE "_tests" "" library ${student})
  course_json_target(value ${student} ${library})
  string(JSON entry SET "${entry}" student "${value}")
  if(ARGC GREATER 5)
    string(REPLACE "_tests" "" library ${ARGV5})
    course_json_target(value ${ARGV5} ${library})
    string(JSON entry SET "${entry}" reference "${value}")
  endif()
  set(${out} "${entry}" PARENT_SCOPE)
endfunction()

# course_json_lab_hidden(ENTRY objects student [reference]): adds to the lab's manifest
# entry @p ENTRY (a variable) where its hidden tests are: "hidden": {"student": ...,
# "reference": ..., "objects": one path a line}: the programs that run them, and the
# objects they are linked from (whose files the grader keeps from student code).
function(course_json_lab_hidden entry_var objects student)
  set(hidden "{}")
  course_json_target(value ${student})
  string(JSON hidden SET "${hidden}" student "${value}")
  if(ARGC GREATER 3)
    course_json_target(value ${ARGV3})
    string(JSON hidden SET "${hidden}" reference "${value}")
  endif()
  # The objects' paths, one a line in one JSON string: filled in by file(GENERATE).
  string(JSON hidden SET "${hidden}" objects "\"$<JOIN:$<TARGET_OBJECTS:${objects}>,\\n>\"")
  string(JSON entry SET "${${entry_var}}" hidden "${hidden}")
  set(${entry_var} "${entry}" PARENT_SCOPE)
endfunction()

# course_json_manifest(OUT build_dir): an empty manifest for a build in @p build_dir.
function(course_json_manifest out build_dir)
  # Executable paths are inserted by file(GENERATE) after the JSON is built, unescaped.
  if(build_dir MATCHES "[\"\\]")
    message(FATAL_ERROR "the build directory's path must not hold a quote or a backslash: "
                        "${build_dir}")
  endif()
  course_json_string(source_dir "${CMAKE_SOURCE_DIR}")
  course_json_string(build_dir "${build_dir}")
  set(manifest "{}")
  string(JSON manifest SET "${manifest}" source_dir "${source_dir}")
  string(JSON manifest SET "${manifest}" build_dir "${build_dir}")
  string(JSON manifest SET "${manifest}" labs "[]")
  string(JSON manifest SET "${manifest}" programs "[]")
  course_trusted_binaries(trusted)
  course_json_strings(value ${trusted})
  string(JSON manifest SET "${manifest}" trusted_binaries "${value}")
  # Where the labs and the solutions are, and what else the sandbox hides from a student's
  # build and tests (harness/README.md, "The view").
  course_json_string(value "${COURSE_LABS_DIR}")
  string(JSON manifest SET "${manifest}" labs_dir "${value}")
  course_json_string(value "${COURSE_SOLUTIONS_DIR}")
  string(JSON manifest SET "${manifest}" solutions_dir "${value}")
  course_json_strings(value ${COURSE_SANDBOX_HIDE})
  string(JSON manifest SET "${manifest}" sandbox_hide "${value}")
  set(${out} "${manifest}" PARENT_SCOPE)
endfunction()

# course_trusted_binaries(OUT): what a lab's test program links besides the lab's code: the
# system's shared C and C++ libraries, the test frameworks' and the course's static
# libraries. A student's object may define none of their names (harness/grader/
# object_inspection.hpp). Paths are generator expressions where a target gives them.
function(course_trusted_binaries out)
  set(binaries "")
  foreach(name libc.so.6 libc_nonshared.a libm.so.6 libstdc++.so.6 libgcc_s.so.1 libgcc.a)
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${name}
                    OUTPUT_VARIABLE path OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(IS_ABSOLUTE "${path}" AND EXISTS "${path}")
      list(APPEND binaries "${path}")
    endif()
  endforeach()
  foreach(target course_support harness_testsupport harness_gtest_main harness_catch2_main
                 GTest::gtest GTest::gmock Catch2::Catch2)
    if(TARGET ${target})
      get_target_property(type ${target} TYPE)
      if(NOT type STREQUAL "INTERFACE_LIBRARY")
        list(APPEND binaries "$<TARGET_FILE:${target}>")
      endif()
    endif()
  endforeach()
  set(${out} "${binaries}" PARENT_SCOPE)
endfunction()

# Writes build/course-manifest.json: each lab's folder, metadata file, the CMake targets
# that build its tests and the executables they produce (the grader reads it), and the
# programs lessons run, with their aliases (the weaver reads it). Built with string(JSON),
# so every value is escaped; call it once, after every lab and program is added.
# It also says where the labs and the solutions are and what else the sandbox must hide
# (the grader and sandboxed-compile read those).
function(course_write_manifest)
  course_json_manifest(manifest "${CMAKE_BINARY_DIR}")
  course_labs(ids)
  set(index 0)
  set(grading_targets "")
  foreach(id IN LISTS ids)
    course_lab_property(slug ${id} SLUG)
    course_lab_property(dir ${id} DIR)
    course_lab_property(flavours ${id} FLAVOURS)
    course_lab_property(has_hidden ${id} HAS_HIDDEN)
    list(APPEND grading_targets lab${id}_tests)
    set(reference "")
    set(hidden_reference "")
    if("ref" IN_LIST flavours)
      set(reference lab${id}_tests_ref)
      set(hidden_reference lab${id}_hidden_tests_ref)
    endif()
    course_json_lab(entry ${id} ${slug} ${dir} lab${id}_tests ${reference})
    if(has_hidden)
      course_json_lab_hidden(entry lab${id}_hidden_test_objects lab${id}_hidden_tests
                             ${hidden_reference})
    endif()
    string(JSON manifest SET "${manifest}" labs ${index} "${entry}")
    math(EXPR index "${index} + 1")
  endforeach()

  get_property(programs GLOBAL PROPERTY COURSE_PROGRAMS)
  set(index 0)
  foreach(name IN LISTS programs)
    get_property(student GLOBAL PROPERTY COURSE_PROGRAM_${name}_STUDENT)
    get_property(reference GLOBAL PROPERTY COURSE_PROGRAM_${name}_REFERENCE)
    get_property(lab GLOBAL PROPERTY COURSE_PROGRAM_${name}_LAB)
    get_property(aliases GLOBAL PROPERTY COURSE_PROGRAM_${name}_ALIASES)
    set(entry "{}")
    course_json_string(value "${name}")
    string(JSON entry SET "${entry}" name "${value}")
    course_json_string(value "${lab}")
    string(JSON entry SET "${entry}" lab "${value}")
    course_json_strings(value ${aliases})
    string(JSON entry SET "${entry}" aliases "${value}")
    course_json_target(value ${student})
    string(JSON entry SET "${entry}" student "${value}")
    list(APPEND grading_targets ${student})
    if(reference)
      course_json_target(value ${reference})
      string(JSON entry SET "${entry}" reference "${value}")
    endif()
    string(JSON manifest SET "${manifest}" programs ${index} "${entry}")
    math(EXPR index "${index} + 1")
  endforeach()

  file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/course-manifest.json CONTENT "${manifest}\n")
  # What `make` builds to grade (scripts/grade-while-building.sh): the student's flavour of
  # every lab's tests, in lab order, then of every program, one target a line.
  list(JOIN grading_targets "\n" grading_targets)
  file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/grading-targets.txt CONTENT "${grading_targets}\n")
endfunction()
