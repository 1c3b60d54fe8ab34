// Files ConvLens must refuse: each gives one clear cl::Error naming the file (and the node or
// tensor at fault), and nothing loads. The bad files come from tests/reference/onnx_malformed.py.
#include <gtest/gtest.h>

#include <fstream>

#include "cli_runner.h"
#include "engine/error.h"
#include "engine/io/onnx_import.h"
#include "testing.h"

namespace cl {
namespace {

namespace fs = std::filesystem;

// One folder per test: CTest may run the tests of this file in parallel.
fs::path malformed_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("onnx_malformed_") + info->name();
    for (char& ch : name)
        if (ch == '/') ch = '_';
    const fs::path dir = testing::temp_dir(name);
    const std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                "/reference/onnx_malformed.py " + dir.string();
    EXPECT_EQ(std::system(command.c_str()), 0);
    return dir;
}

std::string import_error(const fs::path& path) {
    try {
        onnx_import(path.string());
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

struct MalformedCase {
    const char* file;
    const char* expected;  // a phrase of the one-line error
};

class OnnxMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(OnnxMalformed, GivesOneClearLineNamingTheFile) {
    const fs::path dir = malformed_dir();
    const fs::path path = dir / (std::string(GetParam().file) + ".onnx");
    const std::string message = import_error(path);
    EXPECT_NE(message.find(path.string() + ": "), std::string::npos) << message;
    EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Files, OnnxMalformed,
    ::testing::Values(MalformedCase{"unsupported_op", "unsupported ONNX op 'Foo' (node 'bar')"},
                      MalformedCase{"missing_initializer",
                                    "tensor 'w' is read but is neither an initializer"},
                      MalformedCase{"wrong_rank", "has rank 3; ConvLens needs [N,C,H,W]"},
                      MalformedCase{"cycle", "before it is produced"},
                      MalformedCase{"non_square_kernel", "differ between height and width"},
                      MalformedCase{"reshape_not_flatten",
                                    "node 'reshape' (Reshape): reshape of [1,2,6,6] to "
                                    "[1,12,6] is not supported (only flattening)"},
                      MalformedCase{"gather_on_activation",
                                    "node 'pick' (Gather): gathering from an "
                                    "activation is only supported for one channel"}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) {
        return std::string(info.param.file);
    });

TEST(OnnxMalformedBytes, GoodFileLoadsButTruncatedAndTextFilesDoNot) {
    const fs::path dir = malformed_dir();
    const Graph good = onnx_import((dir / "good.onnx").string());
    EXPECT_EQ(good.size(), 3);  // input, conv1's "c", relu1's "y"
    EXPECT_GE(good.find("c"), 0);

    const std::string bytes = testing::read_text(dir / "good.onnx");
    const fs::path truncated = dir / "truncated.onnx";
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() * 2 / 3);
    EXPECT_NE(import_error(truncated).find(truncated.string() + ": not a valid ONNX file"),
              std::string::npos)
        << import_error(truncated);

    const fs::path text = dir / "text.onnx";
    std::ofstream(text) << "this is not a protobuf\n";
    EXPECT_NE(import_error(text).find(text.string() + ": "), std::string::npos);

    EXPECT_NE(import_error(dir / "absent.onnx").find("cannot open"), std::string::npos);
}

TEST(OnnxCli, UnsupportedOpIsOneLineOnStderrAndExit1) {
    const fs::path dir = malformed_dir();
    const auto r = testing::run_convlens("infer " + (dir / "unsupported_op.onnx").string() +
                                         " --input " + (dir / "good.onnx").string());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "convlens: " + (dir / "unsupported_op.onnx").string() +
                         ": unsupported ONNX op 'Foo' (node 'bar')\n");
    EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(OnnxCli, OpsListsTheImporterTable) {
    const auto r = testing::run_convlens("ops");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const std::string& op : onnx_supported_ops())
        EXPECT_NE(r.out.find("\n" + op + "\n"), std::string::npos) << op;
    for (const char* op : {"Conv", "Gemm", "BatchNormalization", "Clip", "Reshape", "Slice"})
        EXPECT_NE(r.out.find(std::string("\n") + op + "\n"), std::string::npos) << op;
}

}  // namespace
}  // namespace cl
