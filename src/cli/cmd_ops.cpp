// `convlens ops`: the ONNX operators the importer supports, from the importer's own table.
#include <cstdio>

#include "cli/cli.h"
#include "engine/io/onnx_import.h"

namespace cl {

CommandRunner register_ops(CLI::App& app) {
    (void)app;
    return []() -> int {
        const auto ops = onnx_supported_ops();
        std::printf(
            "ONNX operators ConvLens imports (%zu; shape plumbing such as Shape, Gather, "
            "Slice is folded into constants at load time):\n",
            ops.size());
        for (const std::string& op : ops) std::printf("%s\n", op.c_str());
        return 0;
    };
}

}  // namespace cl
