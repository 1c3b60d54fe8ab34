// Errors: cl::Error for a caller's mistake or a bad file (one line, naming the node or file);
// CL_ASSERT for bugs (prints file:line and aborts).
#pragma once

#include <stdexcept>
#include <string>

namespace cl {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

[[noreturn]] void assert_fail(const char* condition, const char* file, int line);

}  // namespace cl

#define CL_ASSERT(cond) ((cond) ? (void)0 : ::cl::assert_fail(#cond, __FILE__, __LINE__))
