#include "course/sys.hpp"

namespace course {

void throw_error(int err, const std::string& call) {
    throw std::system_error(err, std::generic_category(), call);
}

}  // namespace course
