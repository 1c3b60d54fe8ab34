// Bug reports for CL_ASSERT: a broken invariant is not recoverable, so print where and abort.
#include "engine/error.h"

#include <cstdio>
#include <cstdlib>

namespace cl {

void assert_fail(const char* condition, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: internal error: assertion failed: %s\n", file, line, condition);
    std::abort();
}

}  // namespace cl
