#include "lab_spec.hpp"

namespace grader {

std::vector<LabSpec> load_course(const std::string& manifest_path) {
    return labmeta::load_manifest(manifest_path).labs;
}

}  // namespace grader
