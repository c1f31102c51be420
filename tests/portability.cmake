# The course on every supported system (README, "Requirements"), checked from this build:
#  - portability.glibc_floor: no program or shared library the build made needs a glibc
#    newer than 2.35, Ubuntu 22.04's (Gradescope's default image), where the build's own
#    glibc is older than 2.38 (skipped, exit 77, on newer ones: see the script);
#  - portability.arm64_compiles: the harness, the solutions and the tools compile for
#    arm64 with the cross compiler, each with this build's own flags (skipped, exit 77,
#    where g++-aarch64-linux-gnu is not installed; scripts/deps.sh test installs it).
add_test(NAME portability.glibc_floor
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-glibc-floor.sh ${CMAKE_BINARY_DIR} 2.35)
set_tests_properties(portability.glibc_floor PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME portability.arm64_compiles
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-arm64.sh ${CMAKE_BINARY_DIR})
set_tests_properties(portability.arm64_compiles PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)
