// libFuzzer target: arbitrary bytes through the npy reader (tests/fuzz/fuzz_readers.h).
#include "fuzz_readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    cl::fuzz::read_npy(std::string(reinterpret_cast<const char*>(data), size));
    return 0;
}
