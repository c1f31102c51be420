// What is in a raw wait status? The <sys/wait.h> macros applied to the numbers this
// lesson meets: 0 and 256 (true and false in the Python session), 9, 139 and 0x137f.
#include <sys/wait.h>

#include <iostream>

//> decode
void explain(int raw) {
    std::cout << raw << ": ";
    if (WIFEXITED(raw)) {
        std::cout << "exited, code " << WEXITSTATUS(raw);  // (raw >> 8) & 0xff
    } else if (WIFSIGNALED(raw)) {
        std::cout << "killed by signal " << WTERMSIG(raw)      // raw & 0x7f
                  << (WCOREDUMP(raw) ? ", core dumped" : "");  // raw & 0x80
    } else if (WIFSTOPPED(raw)) {
        std::cout << "stopped by signal " << WSTOPSIG(raw);  // low byte 0x7f
    } else if (WIFCONTINUED(raw)) {
        std::cout << "continued";  // 0xffff
    }
    std::cout << "\n";
}

int main() {
    for (int raw : {0, 256, 9, 139, 0x137f, 0xffff})
        explain(raw);
}
//< decode
