/// @file
/// @brief The course as the docs site links it: lessons in reading order, each lab with
/// its lesson and contract headers; the navigation bars and lab cards that join them.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "labmeta/lab.hpp"

namespace weave {

/// One lab as the site shows it.
struct SiteLab {
    labmeta::LabSpec spec;
    std::vector<std::string> contracts;  ///< Its contract headers, `labs/NN-topic/x.hpp`.
};

/// The lessons and labs of a course, read once per filtered file.
struct Site {
    std::vector<std::string> lessons;                        ///< Lesson file names, in order.
    std::map<std::string, std::string> titles;               ///< Lesson file name -> its `#` title.
    std::vector<SiteLab> labs;                               ///< Labs whose lab.json loads, by id.
    const SiteLab* lab_of(const std::string& lesson) const;  ///< The lab a lesson teaches.
    const SiteLab* lab_of_header(const std::string& header) const;  ///< Whose contract.
};

/// Reads the lessons (titles) and labs (lab.json, contract headers) under @p root. A
/// lab's contract headers are the `.hpp` files of its folder that its stub sources
/// (lab.json `sources`) include.
Site load_site(const std::filesystem::path& root);

/// The previous / next bar of @p lesson (with its lab's contract, when it has a lab), as
/// one line of HTML with Doxygen `@ref`s; @p where is `top` or `bottom` (a CSS class).
std::string lesson_navigation(const Site& site, const std::string& lesson,
                              const std::string& where);

/// The card at the end of a lesson that has a lab: the lab's title, its contract headers,
/// its tasks each linked to the lesson section that teaches it, and how to grade it.
std::string lesson_lab_card(const Site& site, const std::string& lesson);

/// @p header (`labs/NN-topic/x.hpp`) as Doxygen should read it: when it is a lab's
/// contract, its `@brief` line names the lesson and a comment appended at the end (so
/// that no line moves) adds the lab card. Other headers come back unchanged.
std::string contract_header(const Site& site, const std::string& header, const std::string& text);

}  // namespace weave
