# What the labs' tests need besides the student's code, built once and taken by other builds.
#
# Every build of the course exports, into <build>/course-prebuilt-targets.cmake, the harness
# libraries the labs' tests link (course_prebuilt_library()), the objects of each lab's tests
# (labNN_test_objects, and labNN_hidden_test_objects for a lab with hidden tests) and of
# the code given with it (labNN_given), and writes
# <build>/course-prebuilt.cmake: a signature of how they were compiled. The target
# `course_prebuilt` builds them all.
#
# A batch grades its students in builds configured with -DCOURSE_PREBUILT=<that file>:
# when the signatures match, such a build imports those targets as they are and builds
# only the labs (the student's sources, and links), not the harness or anything else.
# They are course code, from the course's own folders, built by the grader's build.

set(COURSE_PREBUILT "" CACHE FILEPATH
    "Another build's course-prebuilt.cmake: take its harness and test objects, build the labs only")

# How this build compiles C++: objects are shared only between builds that agree on it.
function(course_prebuilt_signature out)
  string(TOUPPER "${CMAKE_BUILD_TYPE}" config)
  set(${out}
      "${CMAKE_CXX_COMPILER}|${CMAKE_CXX_COMPILER_VERSION}|${CMAKE_BUILD_TYPE}|${CMAKE_CXX_FLAGS}|${CMAKE_CXX_FLAGS_${config}}|${CMAKE_CXX_STANDARD}|${CMAKE_SOURCE_DIR}"
      PARENT_SCOPE)
endfunction()

# Reads COURSE_PREBUILT; when its signature is this build's, imports its targets and sets
# COURSE_PREBUILT_USED.
set(COURSE_PREBUILT_USED OFF)
if(COURSE_PREBUILT)
  course_prebuilt_signature(signature)
  get_filename_component(prebuilt_dir "${COURSE_PREBUILT}" DIRECTORY)
  if(NOT EXISTS "${COURSE_PREBUILT}" OR NOT EXISTS "${prebuilt_dir}/course-prebuilt-targets.cmake")
    message(STATUS "Prebuilt harness and tests not used: no ${COURSE_PREBUILT}")
  else()
    include("${COURSE_PREBUILT}")
    if(signature STREQUAL COURSE_PREBUILT_SIGNATURE)
      if(NOT COURSE_COMPILE_LAUNCHER)
        message(FATAL_ERROR "COURSE_PREBUILT needs COURSE_COMPILE_LAUNCHER (this build has no grader)")
      endif()
      include("${prebuilt_dir}/course-prebuilt-targets.cmake")
      set(COURSE_PREBUILT_USED ON)
      message(STATUS "Prebuilt harness and tests from ${prebuilt_dir}")
    else()
      message(STATUS "Prebuilt harness and tests not used: compiled otherwise "
                     "(${COURSE_PREBUILT_SIGNATURE}; here ${signature})")
    endif()
  endif()
endif()

# course_prebuilt_library(target): @p target (a library of this build) is part of what
# the labs' tests need: exported for a batch's builds, built by `course_prebuilt`.
function(course_prebuilt_library target)
  set_property(GLOBAL APPEND PROPERTY COURSE_PREBUILT_TARGETS ${target})
endfunction()

# Writes <build>/course-prebuilt.cmake and course-prebuilt-targets.cmake and defines
# `course_prebuilt`, once every lab is known. A build that took another's does nothing.
function(course_write_prebuilt)
  if(COURSE_PREBUILT_USED)
    return()
  endif()
  course_prebuilt_signature(signature)
  get_filename_component(labs "${COURSE_LABS_DIR}" ABSOLUTE)
  if(NOT labs STREQUAL "${CMAKE_SOURCE_DIR}/labs")  # not the course's tests: never taken
    set(signature "the tests of ${COURSE_LABS_DIR}")
  endif()
  string(REPLACE "\"" "\\\"" signature "${signature}")
  get_property(targets GLOBAL PROPERTY COURSE_PREBUILT_TARGETS)
  list(REMOVE_DUPLICATES targets)
  export(TARGETS ${targets} FILE ${CMAKE_BINARY_DIR}/course-prebuilt-targets.cmake)
  file(WRITE ${CMAKE_BINARY_DIR}/course-prebuilt.cmake
       "# Written by CMake (cmake/Prebuilt.cmake): how this build's exported targets were compiled.\n"
       "set(COURSE_PREBUILT_SIGNATURE \"${signature}\")\n")
  add_custom_target(course_prebuilt)
  add_dependencies(course_prebuilt ${targets})
endfunction()
