# Fails when a lesson weaves code from solutions/: lessons teach with their own programs
# (lessons/code/), and the reference solutions are never shown to students (a lesson may
# name a solution's path in prose, "to compare once you are done", but never weave it).
#
#   cmake -DROOT=<course root> -P tests/lessons_show_no_solutions.cmake
file(GLOB lessons "${ROOT}/lessons/*.md")
set(found "")
foreach(lesson IN LISTS lessons)
  file(STRINGS "${lesson}" markers REGEX "<!--[ \t]*code:")
  foreach(marker IN LISTS markers)
    # The path may be written solutions/..., ./solutions/... or reach it through "..".
    if(marker MATCHES "code:[ \t]*(\\./)?([^ \t]*/)?solutions/")
      get_filename_component(name "${lesson}" NAME)
      string(STRIP "${marker}" marker)
      string(APPEND found "  ${name}: ${marker}\n")
    endif()
  endforeach()
endforeach()
if(found)
  message(FATAL_ERROR "lessons weave code from solutions/ (show a lessons/code/ example "
                      "instead):\n${found}")
endif()
list(LENGTH lessons count)
message(STATUS "${count} lessons, none weaves code from solutions/")
