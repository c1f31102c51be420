# The course on every supported system (README, "Requirements"), checked from this build:
#  - portability.glibc_floor: no program or shared library the build made needs a glibc
#    newer than 2.35, Ubuntu 22.04's (Gradescope's default image).
add_test(NAME portability.glibc_floor
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-glibc-floor.sh ${CMAKE_BINARY_DIR} 2.35)
