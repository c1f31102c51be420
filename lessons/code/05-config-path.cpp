// lesson-05-config-path: a small program that trusts its environment, as much real code
// does: it builds its configuration path from $HOME without checking that HOME is set.
// Run with an empty environment, getenv("HOME") returns a null pointer, and building a
// std::string from it throws std::logic_error; nobody catches it, so std::terminate
// aborts the program (SIGABRT). Lesson 05 spawns it with and without an environment.
#include <cstdlib>
#include <iostream>
#include <string>

int main() {
    //> naive-home
    std::string home = std::getenv("HOME");  // null when HOME is not set: throws
    std::cout << "config: " << home << "/.config/greet.conf\n";
    //< naive-home
    return 0;
}
