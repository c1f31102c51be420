# grader.no_spin_check: Lab 04's WaitForTest.SleepsInsteadOfSpinning passes every wait_for
# that sleeps and fails every one that spins, on an idle machine and with every core busy
# (scripts/no-spin-check.sh; 50 runs each for the long proof). Each way of writing wait_for
# (harness/tests/fixtures/wait_for/) is linked, in place of the reference's, into Lab 04's
# test program with the reference's other functions: the first definition of wait_for the
# linker meets is the fixture's.
if(COURSE_WITH_SOLUTIONS AND TARGET lab04_ref AND TARGET lab04_test_objects)
  set(no_spin_programs "")
  file(GLOB wait_for_variants CONFIGURE_DEPENDS
       ${CMAKE_SOURCE_DIR}/harness/tests/fixtures/wait_for/*.cpp)
  foreach(source IN LISTS wait_for_variants)
    get_filename_component(variant ${source} NAME_WE)
    add_executable(wait_for_${variant} ${source} $<TARGET_OBJECTS:lab04_test_objects>)
    target_link_libraries(wait_for_${variant} PRIVATE lab04_ref harness_gtest_main)
    target_link_options(wait_for_${variant} PRIVATE -Wl,--allow-multiple-definition)
    course_strict_warnings(wait_for_${variant})
    list(APPEND no_spin_programs wait_for_${variant})
  endforeach()
  add_custom_target(no_spin_programs ALL DEPENDS ${no_spin_programs} lab04_tests_ref)
  add_test(NAME grader.no_spin_check
    COMMAND ${CMAKE_SOURCE_DIR}/scripts/no-spin-check.sh 5 ${CMAKE_BINARY_DIR})
  set_tests_properties(grader.no_spin_check PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
endif()
