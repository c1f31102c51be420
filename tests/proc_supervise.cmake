# proc.supervise_ends_as_the_signal: `proc supervise` (reference build) stopped by SIGTERM
# or SIGINT stops its task, then ends as the signal would have: 143, 130, never 0
# (tests/proc_supervise_test.sh; Lesson 07 explains why).
if(TARGET proc-ref AND TARGET worker_ref)
  add_test(NAME proc.supervise_ends_as_the_signal
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/proc_supervise_test.sh $<TARGET_FILE:proc-ref>
            $<TARGET_FILE:worker_ref>)
  set_tests_properties(proc.supervise_ends_as_the_signal PROPERTIES TIMEOUT 120)
endif()
