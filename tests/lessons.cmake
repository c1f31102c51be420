# The lessons never lie (see harness/weave):
#  - lessons.code_blocks_up_to_date: every `<!-- code: PATH#TAG -->` block matches its
#    source region, every named file and tag exists, every tag in the sources is used;
#  - lessons.sessions: every `<!-- session -->` re-run against the reference builds prints
#    what the lesson shows. It needs the programs the sessions call, so it requires the
#    fixture lessons.programs_built, which fails (naming what is missing) when the build
#    has not produced them: `make test` builds everything first.
#  - lessons.show_no_solutions: no code block is woven from solutions/ (needs no build);
#  - lessons.no_solution_overlap: no lesson code (```cpp blocks, lessons/code/) shares a run
#    of four lines of the same shape, names and values aside, with a solution's task code
#    (harness/tools/lesson_overlap.cpp); lessons.no_solution_overlap_finds_renamed_copies
#    shows that the check can fail, on a fixture course with renamed copies planted
#    (harness/tests/fixtures/lesson_overlap: exactly two findings, named below).
add_test(NAME lessons.show_no_solutions
  COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR}
          -P ${CMAKE_SOURCE_DIR}/tests/lessons_show_no_solutions.cmake)

if(TARGET lesson-overlap)
  if(COURSE_WITH_SOLUTIONS)
    add_test(NAME lessons.no_solution_overlap
      COMMAND lesson-overlap --root ${CMAKE_SOURCE_DIR})
  endif()
  add_test(NAME lessons.no_solution_overlap_finds_renamed_copies
    COMMAND sh -c [[out=$("$0" --root "$1"); status=$?; printf '%s\n' "$out"
      test "$status" -eq 1 || { echo "expected exit status 1 (found), got $status"; exit 1; }
      for want in 'count_words (Task 1): the whole task, 10 lines' \
                  'is_vowel (Task 2): the whole task, 2 lines' 'lesson-overlap: 2 run(s)'; do
        printf '%s\n' "$out" | grep -qF "$want" || { echo "missing from the report: $want"; exit 1; }
      done]]
      $<TARGET_FILE:lesson-overlap> ${CMAKE_SOURCE_DIR}/harness/tests/fixtures/lesson_overlap)
endif()

if(NOT TARGET weave)
  return()
endif()

add_test(NAME lessons.code_blocks_up_to_date
  COMMAND weave --check --root ${CMAKE_SOURCE_DIR})

# The reference builds of every program the course declares (lab.json "programs", and
# `proc` from tools/): what the sessions may call, by name or by alias.
set(lesson_session_programs "")
get_property(course_programs GLOBAL PROPERTY COURSE_PROGRAMS)
foreach(program IN LISTS course_programs)
  get_property(reference GLOBAL PROPERTY COURSE_PROGRAM_${program}_REFERENCE)
  if(reference AND TARGET ${reference})
    list(APPEND lesson_session_programs "$<TARGET_FILE:${reference}>")
  endif()
endforeach()
file(GLOB lesson_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/lessons/code/*.cpp)
foreach(source IN LISTS lesson_sources)
  get_filename_component(name ${source} NAME_WE)
  if(TARGET lesson-${name})
    list(APPEND lesson_session_programs "$<TARGET_FILE:lesson-${name}>")
  endif()
endforeach()
# The sessions show the reference builds: not in a student release, which has none.
if(COURSE_WITH_SOLUTIONS)
  add_test(NAME lessons.programs_built
    COMMAND sh -c [[for p do test -x "$p" || { echo "not built: $p (run the full build first: make)"; exit 1; }; done]]
            sh ${lesson_session_programs})
  set_tests_properties(lessons.programs_built PROPERTIES FIXTURES_SETUP lesson_programs)

  add_test(NAME lessons.sessions
    COMMAND weave --check-sessions --root ${CMAKE_SOURCE_DIR} --bin ${CMAKE_BINARY_DIR}/bin
            --manifest ${CMAKE_BINARY_DIR}/course-manifest.json)
  set_tests_properties(lessons.sessions PROPERTIES FIXTURES_REQUIRED lesson_programs TIMEOUT 900)
endif()

# The docs site builds with zero Doxygen warnings, and every lesson page shows in a real
# browser what its Markdown says (code spans and blocks verbatim, no Markdown left as
# text, images, progress bars and emoji drawn right, previous / next and lab links), with
# a screenshot of each in build/docs/screenshots/; the check itself must catch defects
# planted in a scratch copy of a page. Both browser tests skip (exit 77) without Chromium.
add_test(NAME docs.site_builds_without_warnings
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/docs.sh ${CMAKE_BINARY_DIR})
set_tests_properties(docs.site_builds_without_warnings PROPERTIES FIXTURES_SETUP docs_site)
add_test(NAME docs.lesson_pages_render_in_browser
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-docs-browser.sh ${CMAKE_BINARY_DIR})
add_test(NAME docs.browser_check_catches_planted_defects
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-docs-browser.sh ${CMAKE_BINARY_DIR} --self-test)
set_tests_properties(docs.lesson_pages_render_in_browser docs.browser_check_catches_planted_defects
  PROPERTIES FIXTURES_REQUIRED docs_site SKIP_RETURN_CODE 77 TIMEOUT 600)
