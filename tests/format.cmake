# course.code_is_formatted: every tracked C++ file follows .clang-format
# (scripts/check-format.sh: clang-format --dry-run -Werror; --fix formats them).
add_test(NAME course.code_is_formatted COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-format.sh)
# DISABLED while several branches edit many files at once: 14 files differ today. Once
# they are merged, the lead runs scripts/check-format.sh --fix on main and removes this
# property, and from then on `make test` fails on unformatted code.
set_tests_properties(course.code_is_formatted PROPERTIES DISABLED TRUE)
