# What keeps the course's own code (harness, grader, proc, the labs' tests) quick to
# compile, so that a first `make` stays short. Code students write is never compiled
# these ways.

# course_compile_as_one(target [FILES_PER_UNIT n]): compiles a target's files together, n
# at a time (CMake's unity build; 0, the default: all in one unit).
#
# For targets whose every file includes the same heavy headers (nlohmann/json, fmt,
# CLI11, GoogleTest): compiled one by one, each file parses those headers and compiles
# their templates (and CLI11's global objects) again; together, once. The grader's
# library took 169 s of compiler time file by file, 59 s in two units. Each file's own
# helpers (anonymous namespace, `static`) then share a unit with the others': their names
# must be unique in the target (a clash is a compile error).
function(course_compile_as_one target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "FILES_PER_UNIT" "")
  if(NOT DEFINED arg_FILES_PER_UNIT)
    set(arg_FILES_PER_UNIT 0)
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON
                                             UNITY_BUILD_BATCH_SIZE ${arg_FILES_PER_UNIT})
endfunction()

# course_line_tables_only(target): in the default build (RelWithDebInfo), debug information
# for backtraces only (-g1: functions, files and lines), not for stepping through the
# target's variables: a third less compile time. The Debug build keeps everything.
function(course_line_tables_only target)
  target_compile_options(${target} PRIVATE $<$<CONFIG:RelWithDebInfo>:-g1>)
endfunction()

# course_cold_code(target): code that runs once a grading run, for milliseconds (the command
# line, the reports, the batch, lab.json, the lab checks), compiled with -O1 in the optimized
# builds: it compiles a quarter faster (the grader's heaviest units: 57 s -> 43 s of
# compiler time at -O2 -> -O1), and the grader, which every `make` builds first, gates the
# first result less. What runs for every test (the sandbox, the results, grading) keeps -O2.
function(course_cold_code target)
  target_compile_options(${target} PRIVATE $<$<CONFIG:RelWithDebInfo,Release>:-O1>)
endfunction()

# Static libraries: the archive's symbol index written with it (`ar qcs`), not by a ranlib
# run after (GNU ar and ranlib: the same index, one process and one pass fewer per library;
# a batch archives each student's labs).
set(CMAKE_CXX_ARCHIVE_CREATE "<CMAKE_AR> qcs <TARGET> <LINK_FLAGS> <OBJECTS>")
set(CMAKE_CXX_ARCHIVE_FINISH "")
