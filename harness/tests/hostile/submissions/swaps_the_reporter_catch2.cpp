// Hostile submission (Catch2): the untouched stub, and an event listener registered from lab
// code that rewrites every failed assertion of the graded test case into a success before
// the course's listener sees it, sparing the canary. Catch2's names are split by a
// backslash-newline, past a line-by-line review. The inspection of the compiled code sees
// the references to Catch2's results and reporters (integrity).
#include "stub.inc"

#define CATCH_CONFIG_PREFIX_ALL
#define CATCH_CONFIG_EXTERNAL_INTERFACES  // v2: the listener bases
#if __has_include(<catch2/catch_session.hpp>)
#include <catch2/catch_assertion_result.hpp>
#include <catch2/catch_test_case_info.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
using ListenerBase = Cat\
ch::EventListenerBase;
#define SWALLOW_RETURN void
#define SWALLOW_DONE return
#else
#include <catch2/catch.hpp>
using ListenerBase = Cat\
ch::TestEventListenerBase;
#define SWALLOW_RETURN bool
#define SWALLOW_DONE return false
#endif

#include <string>

namespace {

class Swallower : public ListenerBase {
  public:
    using ListenerBase::ListenerBase;
    void testCaseStarting(Cat\
ch::TestCaseInfo const& info) override {
        sparing_ = std::string(info.name).rfind("CourseCanary", 0) == 0;
        ListenerBase::testCaseStarting(info);
    }
    SWALLOW_RETURN assertionEnded(Cat\
ch::AssertionStats const& stats) override {
        if (!sparing_) {
            auto& result = const_cast<Cat\
ch::AssertionResult&>(stats.assertionResult);
            result.m_resultData.resultType = Cat\
ch::ResultWas::Ok;
        }
        SWALLOW_DONE;
    }

  private:
    bool sparing_ = false;
};

}  // namespace

CATCH_REGISTER_LISTENER(Swallower)
