// Lab 99 tests: counting this process's descriptors, and asking about one of them. Each
// test opens what it needs itself (pipes through course::make_pipe), so what it expects
// is exact whatever else the test program holds open.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "course/sys.hpp"
#include "course/unique_fd.hpp"
#include "harness/testsupport.hpp"
#include "topic.hpp"

namespace {

const char* const kLesson = "99-topic.md";

// --- Task 1: open_descriptor_count() ---

// Tests that a new pipe adds two descriptors, and closing both ends takes them away.
TEST(DescriptorCountTest, PipeAddsTwoAndCloseRemovesThem) {
    std::size_t before = proc::open_descriptor_count();
    {
        course::Pipe pipe = course::make_pipe();
        EXPECT_EQ(proc::open_descriptor_count(), before + 2)
            << "a pipe is two descriptors, one per end; "
            << harness::see_lesson(kLesson, "counting-open-descriptors");
    }
    EXPECT_EQ(proc::open_descriptor_count(), before)
        << "both ends are closed again; do not count the descriptor that lists the folder; "
        << harness::see_lesson(kLesson, "counting-open-descriptors");
}

// Tests that stdin, stdout and stderr are counted: every process starts with them.
TEST(DescriptorCountTest, AtLeastTheStandardStreams) {
    EXPECT_GE(proc::open_descriptor_count(), 3u)
        << "0, 1 and 2 are open in every test; "
        << harness::see_lesson(kLesson, "counting-open-descriptors");
}

// --- Task 2: is_open() and close_on_exec() ---

// Tests that both ends of a pipe are open, and that they are not once closed.
TEST(DescriptorFlagsTest, PipeEndsAreOpenClosedOnesAreNot) {
    course::Pipe pipe = course::make_pipe();
    int read_end = pipe.read.get();
    EXPECT_TRUE(proc::is_open(read_end))
        << "fcntl(F_GETFD) succeeds on an open descriptor; "
        << harness::see_lesson(kLesson, "asking-the-kernel-about-one-descriptor");
    pipe.read.reset();
    EXPECT_FALSE(proc::is_open(read_end)) << "closed: fcntl fails with EBADF";
    EXPECT_FALSE(proc::is_open(-1)) << "-1 is never a descriptor";
}

// Tests that make_pipe's ends are close-on-exec and that dup's copy is not.
TEST(DescriptorFlagsTest, PipeIsCloseOnExecDupIsNot) {
    course::Pipe pipe = course::make_pipe();
    EXPECT_TRUE(proc::close_on_exec(pipe.write.get()))
        << "make_pipe uses pipe2(O_CLOEXEC); "
        << harness::see_lesson(kLesson, "asking-the-kernel-about-one-descriptor");
    course::UniqueFd copy(course::check(::dup(pipe.write.get()), "dup"));
    EXPECT_FALSE(proc::close_on_exec(copy.get())) << "dup clears FD_CLOEXEC on the copy";
}

// Tests that asking about a closed descriptor is an error naming the call, with EBADF.
TEST(DescriptorFlagsTest, ClosedDescriptorThrowsEbadf) {
    try {
        proc::close_on_exec(-1);
        ADD_FAILURE() << "close_on_exec(-1) should throw std::system_error; "
                      << harness::see_lesson(kLesson, "asking-the-kernel-about-one-descriptor");
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EBADF) << e.what();
        EXPECT_NE(std::string(e.what()).find("fcntl"), std::string::npos)
            << "the message should name the call: " << e.what();
    }
}

}  // namespace
