// libFuzzer target: arbitrary text as `convlens convolve --kernel` (the kernel string parser),
// through the command line itself; the input file does not exist, so the run stops right after
// the kernel is parsed. cli_main reports every error on stderr, which is silenced here.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "cli/cli.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string kernel = "--kernel=" + std::string(reinterpret_cast<const char*>(data), size);
    kernel = kernel.substr(0, kernel.find('\0'));  // argv strings end at a NUL
    std::string args[] = {"convlens",
                          "convolve",
                          "--input",
                          "/nonexistent/in.png",
                          kernel,
                          "--out",
                          "/nonexistent/out.png"};
    char* argv[7];
    for (int i = 0; i < 7; ++i) argv[i] = args[i].data();
    static const int null_fd = ::open("/dev/null", O_WRONLY);
    const int saved = ::dup(2);
    ::dup2(null_fd, 2);
    cl::cli_main(7, argv);
    ::dup2(saved, 2);
    ::close(saved);
    return 0;
}
