# course.ci_uses_system_cmake: .ci/system-cmake, which makes each job of the course's CI
# (.github/workflows/ci.yml) run its system's own CMake, removes a stand-in for the
# runner's CMake ahead of /usr/bin on PATH, accepts /usr/bin/cmake's own version, refuses
# another, and reads which CMake configured a build (tests/ci_system_cmake.sh). Not in a
# student release, which has no .ci/.
if(EXISTS ${CMAKE_SOURCE_DIR}/.ci/system-cmake)
  add_test(NAME course.ci_uses_system_cmake
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/ci_system_cmake.sh ${CMAKE_SOURCE_DIR}/.ci/system-cmake)
  set_tests_properties(course.ci_uses_system_cmake PROPERTIES TIMEOUT 60)
endif()
