// PLACEHOLDER until the GUI shell lands.
#include "app/app_main.h"

#include <cstdio>

namespace cl {

int app_main(int, char**) {
    std::fprintf(stderr, "convlens: the GUI is not built yet\n");
    return 1;
}

}  // namespace cl
