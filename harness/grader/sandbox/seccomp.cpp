#include "sandbox/seccomp.hpp"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

namespace grader {
namespace {

// The ABI the filter was written for: the numbers below are this architecture's (glibc's
// SYS_* for the target), and a call through any other ABI is refused outright.
#if defined(__x86_64__)
constexpr unsigned kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kArch = AUDIT_ARCH_AARCH64;
#else
constexpr unsigned kArch = 0;
#endif

constexpr unsigned kAllow = SECCOMP_RET_ALLOW;
constexpr unsigned kDeny = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
// pid_t, an fcntl or ioctl command: 32 bits. The kernel reads only the low half of the
// 64-bit argument (little-endian on both architectures).
constexpr unsigned arg_low(int n) {
    return static_cast<unsigned>(offsetof(seccomp_data, args) + 8 * n);
}

// What the filter does with each system call it names. Each is guarded: not every
// architecture (or every glibc's <sys/syscall.h>) has every call.
enum class Rule {
    check_target,           // its first argument names the target process (or -group)
    deny,                   // refused whatever its arguments
    deny_without_namespace  // refused whatever its arguments when no PID namespace hides us
};
struct Call {
    long nr;
    Rule rule;
};
constexpr Call kCalls[] = {
    {SYS_kill, Rule::check_target},
#ifdef SYS_tgkill
    {SYS_tgkill, Rule::check_target},
#endif
#ifdef SYS_rt_sigqueueinfo
    {SYS_rt_sigqueueinfo, Rule::check_target},
#endif
#ifdef SYS_rt_tgsigqueueinfo
    {SYS_rt_tgsigqueueinfo, Rule::check_target},
#endif
#ifdef SYS_pidfd_open
    {SYS_pidfd_open, Rule::check_target},
#endif
#ifdef SYS_tkill
    {SYS_tkill, Rule::deny},
#endif
#ifdef SYS_ptrace
    {SYS_ptrace, Rule::deny},
#endif
#ifdef SYS_process_vm_readv
    {SYS_process_vm_readv, Rule::deny},
#endif
#ifdef SYS_process_vm_writev
    {SYS_process_vm_writev, Rule::deny},
#endif
#ifdef SYS_pidfd_getfd
    {SYS_pidfd_getfd, Rule::deny},
#endif
#ifdef SYS_kcmp
    {SYS_kcmp, Rule::deny},
#endif
#ifdef SYS_pidfd_send_signal
    {SYS_pidfd_send_signal, Rule::deny_without_namespace},
#endif
};

// A BPF program in a fixed buffer (no allocation: it is built in a forked child), with
// forward jumps to named places patched at the end.
class Program {
  public:
    enum Place { known_abi, check_target, check_fcntl, check_owner, check_ioctl, deny, places };

    void load(unsigned offset) { emit({BPF_LD | BPF_W | BPF_ABS, 0, 0, offset}); }
    void ret(unsigned action) { emit({BPF_RET | BPF_K, 0, 0, action}); }
    // Goes to @p to when the accumulator equals (or, with at_least, is >=) @p value.
    void go_if(unsigned value, Place to, bool at_least = false) {
        if (fixups_ < kCapacity)
            fixup_[fixups_++] = {size_, to};
        emit({static_cast<unsigned short>(BPF_JMP | (at_least ? BPF_JGE : BPF_JEQ) | BPF_K), 0, 0,
              value});
    }
    void place(Place here) { at_[here] = size_; }

    // Resolves the jumps. @returns false when the program outgrew its buffer.
    bool finish(sock_fprog& out) {
        if (size_ > kCapacity)
            return false;
        for (int i = 0; i < fixups_; ++i) {
            int distance = at_[fixup_[i].to] - fixup_[i].at - 1;
            if (at_[fixup_[i].to] < 0 || distance < 0 || distance > 255)
                return false;
            code_[fixup_[i].at].jt = static_cast<unsigned char>(distance);
        }
        out = {static_cast<unsigned short>(size_), code_};
        return true;
    }

  private:
    static constexpr int kCapacity = 200;  // jumps reach 255 at most
    struct Fixup {
        int at;
        Place to;
    };
    void emit(sock_filter statement) {
        if (size_ < kCapacity)
            code_[size_] = statement;
        ++size_;
    }
    sock_filter code_[kCapacity] = {};
    int size_ = 0;
    Fixup fixup_[kCapacity] = {};
    int fixups_ = 0;
    int at_[places] = {-1, -1, -1, -1, -1, -1};
};

// Refuses when the argument just loaded is -1 or one of @p guarded's targets.
void refuse_targets(Program& p, const ProtectedTargets& guarded) {
    p.go_if(~0u, Program::deny);
    for (int i = 0; i < guarded.count && i < ProtectedTargets::kMaxTargets; ++i)
        p.go_if(static_cast<unsigned>(guarded.targets[i]), Program::deny);
    p.ret(kAllow);
}

}  // namespace

ProtectedTargets grader_targets(pid_t grader, pid_t parent, pid_t group, pid_t session,
                                const std::vector<pid_t>& threads) noexcept {
    ProtectedTargets guarded;
    auto guard = [&](pid_t target) {
        bool known = std::find(guarded.targets, guarded.targets + guarded.count, target) !=
                     guarded.targets + guarded.count;
        if (target != 0 && target != -1 && !known && guarded.count < ProtectedTargets::kMaxTargets)
            guarded.targets[guarded.count++] = target;
    };
    for (pid_t target : {grader, parent, group, -group, session, -session})
        guard(target);
    for (pid_t thread : threads)
        guard(thread);
    return guarded;
}

namespace {

// The filter's first part: a foreign ABI is denied, then each call of kCalls goes to its
// check or is denied (with @p exposed, every call that may reach another process, and
// fcntl and ioctl go to their own checks); any other call is allowed.
void emit_dispatch(Program& p, bool exposed) noexcept {
    p.load(offsetof(seccomp_data, arch));
    p.go_if(kArch, Program::known_abi);
    p.ret(kDeny);
    p.place(Program::known_abi);
    p.load(offsetof(seccomp_data, nr));
#if defined(__x86_64__)
    p.go_if(0x40000000, Program::deny, true);  // __X32_SYSCALL_BIT: the x32 ABI's numbers
#endif
    for (const Call& call : kCalls) {
        auto nr = static_cast<unsigned>(call.nr);
        if (call.rule == Rule::check_target)
            p.go_if(nr, Program::check_target);
        else if (call.rule == Rule::deny || exposed)
            p.go_if(nr, Program::deny);
    }
    if (exposed) {
        p.go_if(SYS_fcntl, Program::check_fcntl);
        p.go_if(SYS_ioctl, Program::check_ioctl);
    }
    p.ret(kAllow);
}

// Without a PID namespace: fcntl(fd, F_SETOWN, target) + F_SETSIG would have the kernel
// signal the target, and so would F_SETOWN_EX, FIOSETOWN and SIOCSPGRP.
void emit_owner_checks(Program& p, const ProtectedTargets& guarded) noexcept {
    p.place(Program::check_fcntl);
    p.load(arg_low(1));
    p.go_if(F_SETOWN_EX, Program::deny);
    p.go_if(F_SETOWN, Program::check_owner);
    p.ret(kAllow);
    p.place(Program::check_owner);
    p.load(arg_low(2));
    refuse_targets(p, guarded);
    p.place(Program::check_ioctl);
    p.load(arg_low(1));
    p.go_if(FIOSETOWN, Program::deny);
    p.go_if(SIOCSPGRP, Program::deny);
    p.ret(kAllow);
}

}  // namespace

bool install_kill_filter(const ProtectedTargets& guarded) noexcept {
    if (kArch == 0)
        return false;
    bool exposed = guarded.count > 0;  // no PID namespace: the grader is within reach
    Program p;
    emit_dispatch(p, exposed);
    p.place(Program::check_target);
    p.load(arg_low(0));
    refuse_targets(p, guarded);
    if (exposed)
        emit_owner_checks(p, guarded);
    p.place(Program::deny);
    p.ret(kDeny);
    sock_fprog fprog{};
    if (!p.finish(fprog))
        return false;
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return false;
    return ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0;
}

}  // namespace grader
