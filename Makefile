# The course's commands. `make` grades your labs; `make test` verifies the whole course.
# Everything is built by CMake (presets in CMakePresets.json) into build/.
#
#   make                   build your labs and grade them (scoreboard + build/reports/)
#   make grade LAB=01      grade one lab (LAB="01 03": those two)
#   make grade LAB=01 TEST=Suite.Name   grade one test and show all of its failure
#   make grade DEADLINE=N  stop after N seconds: tests not run by then score 0, reports written
#   make grade SCALE=N     report the total out of N (each test's points scaled alike)
#   make test              verify the course: solutions full marks, stubs 0, harness, lessons
#   make new-lab NAME=09-x start a lab from templates/gtest-lab
#   make run-lesson NAME=05-spawn-env [ARGS='...']   build and run a lesson's program
#   make help              every command

BUILD   := build
# The grader: this build's, built first; GRADER=path runs another build's as it is.
GRADER  ?= $(BUILD)/bin/grader
BUILD_GRADER := $(if $(filter $(BUILD)/bin/grader,$(GRADER)),scripts/quiet-build.sh $(BUILD) grader,:)
# `make grade` builds the grader, then grades each lab as soon as it is built while the next
# ones build, and builds the programs made from the labs (proc and progress)
# (scripts/grade-while-building.sh). With LAB=, TEST= or PROC=no it builds only the grader,
# and the grader builds each lab it grades.
FULL_BUILD := $(if $(or $(filter no,$(PROC)),$(TEST),$(LAB)),,yes)
WITH_GRADER := $(if $(filter $(BUILD)/bin/grader,$(GRADER)),--with-grader,)
GRADE_WITH_BUILD := $(if $(FULL_BUILD),scripts/grade-while-building.sh $(BUILD) $(WITH_GRADER) --,$(BUILD_GRADER) &&)
LAB     ?=
LAB_ARG := $(if $(LAB),--lab $(LAB),)
DEADLINE ?=
SCALE   ?=
TEST    ?=
GRADE_ARGS := $(LAB_ARG) $(if $(DEADLINE),--deadline $(DEADLINE),) $(if $(SCALE),--scale $(SCALE),) \
              $(if $(TEST),--test '$(TEST)',)
CMAKE_CONFIGURE := cmake --preset default --log-level=WARNING >/dev/null
# A student release (make student-release) has no solutions/ and no templates/: the
# commands that need them say so and exit 2, and `make help` does not list them.
COURSE_ONLY := grade-solutions proc-ref bench lessons new-lab gradescope student-release asan
RELEASE := $(if $(wildcard solutions),,yes)

.PHONY: not-in-release all grade grade-solutions test bench docs lessons gradescope student-release clean help \
        configure deps-grade deps-test new-lab asan watch proc-ref run-lesson

all: grade

# The first prerequisite of each command in COURSE_ONLY: in a student release it stops
# make before anything else runs, saying why.
not-in-release:
	@$(if $(RELEASE),printf '%s\n' "make $(MAKECMDGOALS): not in a student release (it needs the \
	course's solutions/ or templates/); make help lists what works here" >&2; exit 2,:)

deps-grade:
	@scripts/deps.sh grade
deps-test:
	@scripts/deps.sh test

# The first time only: after that every build re-runs CMake itself when a CMakeLists.txt, a
# lab.json or the labs' folders change, and a configure on each `make grade LAB=04` would
# cost most of a second of the edit-regrade loop.
configure: deps-grade
	@test -f $(BUILD)/build.ninja || $(CMAKE_CONFIGURE)

## grade: build your labs and grade them (exit 0 whatever the score)
grade: configure
	@$(GRADE_WITH_BUILD) $(GRADER) --manifest $(BUILD)/course-manifest.json --flavor student $(GRADE_ARGS)

## watch: grade once, then regrade the lab you save and the labs built on it (Ctrl-C stops)
watch: configure
	@$(BUILD_GRADER)
	@scripts/watch.sh $(BUILD)

## proc-ref: build the reference proc tool (build/bin/proc-ref), to compare with yours
proc-ref: not-in-release configure
	@scripts/quiet-build.sh $(BUILD) proc-ref
	@echo "The reference tool: $(BUILD)/bin/proc-ref"

## run-lesson: build a lesson's program and run it: NAME=00-child-memory [ARGS='...']
# ARGS is passed as typed ($(value ...)): make would otherwise take a '$ ' in it for a variable.
run-lesson: configure
	@scripts/run-lesson.sh $(BUILD) '$(NAME)' $(value ARGS)

## grade-solutions: grade the reference solutions, exactly as a student's labs are graded
grade-solutions: not-in-release configure
	@$(BUILD_GRADER)
	@$(GRADER) --manifest $(BUILD)/course-manifest.json --flavor reference $(GRADE_ARGS)

## test: verify the whole course (what CI runs)
test: deps-test
	@$(CMAKE_CONFIGURE)
	cmake --build $(BUILD) --target all course_hidden_tests
	$(BUILD)/bin/run-and-reap -- ctest --preset default
	@scripts/check-leftovers.sh $(BUILD)

## asan: build the harness, solutions and tests with ASan + UBSan into build-asan, run them
asan: not-in-release deps-test
	@scripts/sanitize.sh

## bench: run the benchmarks and print each result next to its baseline
bench: not-in-release deps-test
	@$(CMAKE_CONFIGURE)
	@scripts/bench.sh $(BUILD)

## docs: build the docs site (lessons, lab contracts, harness API) into build/docs/html
docs: deps-test
	@$(CMAKE_CONFIGURE)
	@scripts/docs.sh $(BUILD)
	@scripts/check-docs-browser.sh $(BUILD)

## lessons: rewrite the lessons' code blocks and session outputs from their sources
lessons: not-in-release configure
	@cmake --build $(BUILD) --target lessons

## gradescope: build the Gradescope autograder zip into build/gradescope/
gradescope: not-in-release configure
	@scripts/gradescope/build-zip.sh $(BUILD)

## new-lab: start lab NAME=NN-topic from templates/gtest-lab (TITLE=..., FRAMEWORK=catch2)
new-lab: not-in-release
	@test -n "$(NAME)" || { echo "usage: make new-lab NAME=NN-topic [TITLE='...'] [FRAMEWORK=gtest|catch2]" >&2; exit 2; }
	@python3 scripts/new-lab.py "$(NAME)" --framework "$(or $(FRAMEWORK),gtest)" $(if $(TITLE),--title "$(TITLE)",) --grader "$(GRADER)"

## student-release: write a copy for students, without solutions/ or hidden tests (DEST=dir)
student-release: not-in-release
	@test -n "$(DEST)" || { echo "usage: make student-release DEST=dir" >&2; exit 2; }
	@scripts/student-release.sh "$(DEST)"

## clean: remove the build directories (build, and build-asan from make asan)
clean:
	rm -rf $(BUILD) build-asan

## help: list these commands
help:
	@echo "Commands (run from the course's root):"
	@echo "  make                    the same as make grade"
	@grep -E '^## ' Makefile | $(if $(RELEASE),grep -vE '^## ($(subst $() ,|,$(COURSE_ONLY))):',cat) | \
	  sed 's/^## /  make /; s/: /\t/' | expand -t 26
	@echo "  make grade LAB=01       grade one lab$(if $(RELEASE),, (also works with grade-solutions))"
	@echo "  make grade LAB=01 TEST=Suite.Name"
	@echo "                          grade one test and show all of its failure"
	@echo "  make grade DEADLINE=N   stop the run after N seconds (tests left: not-run)"
	@echo "  make grade SCALE=N      report the total out of N"
	@echo "  make run-lesson NAME=05-spawn-env ARGS='...'"
	@echo "                          the lessons' programs (build/bin/lesson-NAME), NAME one of:"
	@scripts/run-lesson.sh $(BUILD) --list | paste -sd ' ' | fold -s -w 62 | sed 's/ *$$//; s/^/                            /'
