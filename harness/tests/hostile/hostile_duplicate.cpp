// A second test named Hostile.RunsTwice: both run under the filter that asks for one,
// which is how duplicate TEST()s in anonymous namespaces try to outvote a real result.
#include <gtest/gtest.h>

namespace {

TEST(Hostile, RunsTwice) {
    SUCCEED();
}

}  // namespace
