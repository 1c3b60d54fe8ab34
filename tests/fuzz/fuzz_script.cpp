// libFuzzer target: arbitrary text as a --script file (src/app/script.cpp's parser; headless).
#include "app/script.h"
#include "fuzz_readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    cl::fuzz::refused_or_read([&] { cl::script_parse(text, "fuzz.script"); });
    return 0;
}
