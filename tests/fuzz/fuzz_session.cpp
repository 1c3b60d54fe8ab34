// libFuzzer target: arbitrary bytes as a session JSON file (src/app/session.cpp).
#include "app/app_state.h"
#include "fuzz_readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = cl::fuzz::input_file(
        "session.json", std::string(reinterpret_cast<const char*>(data), size));
    cl::AppState state;
    cl::fuzz::refused_or_read([&] { cl::session_load(path, state); });
    return 0;
}
