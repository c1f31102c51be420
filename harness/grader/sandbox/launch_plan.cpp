// A sandboxed run's plan as bytes (launch_plan.hpp): a magic word, then each field in a
// fixed order, numbers as 8 bytes in the machine's order (the writer and the reader are
// the same build), texts as a length and their bytes.
#include "sandbox/launch_plan.hpp"

#include <cstdint>
#include <cstring>
#include <new>

namespace grader::launch {
namespace {

constexpr std::string_view kMagic = "sandbox-plan-1";
constexpr std::size_t kMaxTexts = 1 << 16;      // arguments, variables or view steps
constexpr std::size_t kMaxTextBytes = 1 << 24;  // one text

class Writer {
  public:
    void number(std::int64_t value) {
        bytes_.append(reinterpret_cast<const char*>(&value), sizeof value);
    }
    void text(std::string_view value) {
        number(static_cast<std::int64_t>(value.size()));
        bytes_.append(value);
    }
    // A null-terminated array of texts.
    void texts(char* const* values) {
        std::size_t count = 0;
        while (values != nullptr && values[count] != nullptr)
            ++count;
        number(static_cast<std::int64_t>(count));
        for (std::size_t i = 0; i < count; ++i)
            text(values[i]);
    }
    std::string take() { return std::move(bytes_); }

  private:
    std::string bytes_{kMagic};
};

class Reader {
  public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}

    // Every read after the first failure fails too; the caller checks ok() once.
    bool ok() const { return ok_; }
    std::int64_t number() {
        std::int64_t value = 0;
        if (!take(sizeof value))
            return 0;
        std::memcpy(&value, bytes_.data() + at_ - sizeof value, sizeof value);
        return value;
    }
    // A number in [low, high]; outside it, a failure.
    std::int64_t number(std::int64_t low, std::int64_t high) {
        std::int64_t value = number();
        if (value < low || value > high)
            ok_ = false;
        return ok_ ? value : low;
    }
    bool flag() { return number(0, 1) != 0; }
    std::string text() {
        auto size = static_cast<std::size_t>(number(0, kMaxTextBytes));
        if (!take(size))
            return {};
        return std::string(bytes_.substr(at_ - size, size));
    }
    std::vector<std::string> texts() {
        auto count = static_cast<std::size_t>(number(0, kMaxTexts));
        std::vector<std::string> values;
        for (std::size_t i = 0; ok_ && i < count; ++i)
            values.push_back(text());
        return values;
    }
    bool skip(std::string_view expected) {
        if (bytes_.substr(0, expected.size()) != expected)
            return ok_ = false;
        at_ = expected.size();
        return true;
    }
    bool at_end() const { return at_ == bytes_.size(); }

  private:
    bool take(std::size_t size) {
        if (!ok_ || bytes_.size() - at_ < size)
            return ok_ = false;
        at_ += size;
        return true;
    }
    std::string_view bytes_;
    std::size_t at_ = 0;
    bool ok_ = true;
};

constexpr std::int64_t kMaxFd = 1 << 20;

std::vector<char*> pointers(std::vector<std::string>& texts) {
    std::vector<char*> list;
    for (auto& text : texts)
        list.push_back(text.data());
    list.push_back(nullptr);
    return list;
}

}  // namespace

int plan_descriptors(const child::ChildPlan& plan, int reply_fd, int* fds) noexcept {
    int count = 0;
    auto add = [&](int fd) {
        if (fd >= 0 && count < kMaxPlanFds)
            fds[count++] = fd;
    };
    add(plan.output_fd);
    add(plan.report_fd);
    add(plan.sync_fd);
    add(plan.cgroup_fd);
    add(reply_fd);
    for (int i = 0; i < plan.passed_count && i < child::kMaxPassed; ++i)
        add(plan.passed[i]);
    return count;
}

std::string encode_plan(const child::ChildPlan& plan, int reply_fd) {
    Writer out;
    out.texts(plan.argv);
    out.texts(plan.envp);
    out.text(plan.workdir != nullptr ? plan.workdir : "");
    out.text(plan.cwd != nullptr ? plan.cwd : "");
    const ns::FilesystemPlan& files = plan.filesystem;
    out.number(static_cast<std::int64_t>(files.count));
    for (std::size_t i = 0; i < files.count; ++i) {
        out.number(files.steps[i].kind);
        out.text(files.steps[i].path != nullptr ? files.steps[i].path : "");
        out.number(files.steps[i].is_file);
    }
    out.number(files.devices);
    out.number(files.proc);
    const Limits& limits = *plan.limits;
    out.number(static_cast<std::int64_t>(limits.address_space));
    out.number(static_cast<std::int64_t>(limits.file_size));
    out.number(static_cast<std::int64_t>(limits.max_processes));
    out.number(limits.isolate);
    out.number(limits.process_cap);
    out.number(limits.filter_kill);
    out.number(limits.drop_root);
    out.number(limits.nobody_only);
    for (int fd : {plan.output_fd, plan.sync_fd, plan.report_fd, plan.cgroup_fd, reply_fd})
        out.number(fd);
    out.number(plan.passed_count);
    for (int i = 0; i < plan.passed_count; ++i)
        out.number(plan.passed[i]);
    out.number(plan.root);
    out.number(plan.isolated);
    out.number(plan.guarded.count);
    for (int i = 0; i < plan.guarded.count; ++i)
        out.number(plan.guarded.targets[i]);
    return out.take();
}

std::unique_ptr<DecodedPlan> decode_plan(std::string_view bytes, std::string& error) noexcept {
    try {
        Reader in(bytes);
        auto decoded = std::make_unique<DecodedPlan>();
        DecodedPlan& d = *decoded;
        if (!in.skip(kMagic)) {
            error = "the plan does not start with " + std::string(kMagic);
            return nullptr;
        }
        d.argv_text = in.texts();
        d.envp_text = in.texts();
        d.workdir = in.text();
        d.cwd = in.text();
        auto steps = static_cast<std::size_t>(in.number(0, kMaxTexts));
        for (std::size_t i = 0; in.ok() && i < steps; ++i) {
            auto kind = static_cast<ns::MountStep::Kind>(in.number(0, ns::MountStep::folder));
            d.step_paths.push_back(in.text());
            d.steps.push_back({kind, nullptr, in.flag()});
        }
        for (std::size_t i = 0; i < d.steps.size(); ++i)
            d.steps[i].path = d.step_paths[i].c_str();
        d.trees.assign(d.steps.size(), -1);
        d.plan.filesystem = {d.steps.data(), d.steps.size(), d.trees.data(), in.flag(), in.flag()};
        d.limits.address_space = static_cast<rlim_t>(in.number(0, INT64_MAX));
        d.limits.file_size = static_cast<rlim_t>(in.number(0, INT64_MAX));
        d.limits.max_processes = static_cast<rlim_t>(in.number(0, INT64_MAX));
        d.limits.isolate = in.flag();
        d.limits.process_cap = static_cast<int>(in.number(0, INT32_MAX));
        d.limits.filter_kill = in.flag();
        d.limits.drop_root = in.flag();
        d.limits.nobody_only = in.flag();
        for (int* fd : {&d.plan.output_fd, &d.plan.sync_fd, &d.plan.report_fd, &d.plan.cgroup_fd,
                        &d.reply_fd}) {
            *fd = static_cast<int>(in.number(-1, kMaxFd));
        }
        d.plan.passed_count = static_cast<int>(in.number(0, child::kMaxPassed));
        for (int i = 0; i < d.plan.passed_count; ++i)
            d.plan.passed[i] = static_cast<int>(in.number(0, kMaxFd));
        d.plan.root = in.flag();
        d.plan.isolated = in.flag();
        d.plan.guarded.count = static_cast<int>(in.number(0, ProtectedTargets::kMaxTargets));
        for (int i = 0; i < d.plan.guarded.count; ++i)
            d.plan.guarded.targets[i] = static_cast<pid_t>(in.number(INT32_MIN, INT32_MAX));
        if (!in.ok() || !in.at_end()) {
            error = in.ok() ? "the plan goes on past its last field"
                            : "the plan is cut short or holds a value out of range";
            return nullptr;
        }
        if (d.argv_text.empty() || d.plan.output_fd < 0 || d.plan.report_fd < 0 ||
            (d.plan.isolated && (d.plan.sync_fd < 0 || d.reply_fd < 0))) {
            error = "the plan lacks the program or one of its descriptors";
            return nullptr;
        }
        d.argv = pointers(d.argv_text);
        d.envp = pointers(d.envp_text);
        d.plan.argv = d.argv.data();
        d.plan.envp = d.envp.data();
        d.plan.workdir = d.workdir.c_str();
        d.plan.cwd = d.cwd.c_str();
        d.plan.limits = &d.limits;
        return decoded;
    } catch (const std::bad_alloc&) {
        error = "out of memory while reading the plan";
        return nullptr;
    }
}

}  // namespace grader::launch
