# Warnings: errors in the code the course ships (solutions, harness, tools), plain
# warnings in the student's code, which must always build far enough to be graded.
function(course_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Werror)
endfunction()

function(course_student_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
endfunction()
