#include "hsys/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace hsys {

void for_each_index(std::size_t count, int threads, const std::function<void(std::size_t)>& body) {
    std::size_t workers = std::min<std::size_t>(count, threads > 1 ? threads : 1);
    if (workers <= 1) {
        for (std::size_t i = 0; i < count; ++i)
            body(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::mutex lock;
    std::condition_variable all_started;
    std::size_t started = 0;
    std::exception_ptr first_error;
    auto work = [&] {
        {
            std::unique_lock guard(lock);
            if (++started == workers)
                all_started.notify_all();
            all_started.wait(guard, [&] { return started == workers; });
        }
        for (std::size_t i = next++; i < count; i = next++) {
            try {
                body(i);
            } catch (...) {
                std::lock_guard guard(lock);
                if (!first_error)
                    first_error = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    try {
        while (pool.size() + 1 < workers)
            pool.emplace_back(work);
    } catch (const std::system_error&) {  // no thread more (EAGAIN): those there do it all
        std::lock_guard guard(lock);
        workers = pool.size() + 1;
        all_started.notify_all();
    }
    work();  // the calling thread is one of them
    for (auto& thread : pool)
        thread.join();
    if (first_error)
        std::rethrow_exception(first_error);
}

}  // namespace hsys
