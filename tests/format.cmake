# course.code_is_formatted: every tracked C++ file follows .clang-format
# (scripts/check-format.sh: clang-format --dry-run -Werror; --fix formats them). Skipped,
# saying why, where clang-format is not the version the tree is formatted with.
add_test(NAME course.code_is_formatted COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-format.sh)
set_tests_properties(course.code_is_formatted PROPERTIES SKIP_RETURN_CODE 77)
