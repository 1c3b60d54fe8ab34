// `convlens train` and `convlens eval` as a user runs them: eval's last line, weights written
// after every epoch, Ctrl-C keeping the last finished epoch, and one-line errors (exit 1) for
// an unknown architecture or dataset, a folder without IDX files, disagreeing counts and
// weights that do not fit the architecture.
#include <csignal>
#include <fstream>
#include <regex>

#include "cli_runner.h"
#include "engine/io/idx.h"
#include "engine/io/safetensors.h"
#include "engine/model_loader.h"
#include "engine/train/trainer.h"
#include "engine/zoo/zoo.h"

namespace cl::testing {
namespace {

void put_u32(std::ofstream& out, uint32_t v) {
    const unsigned char b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    out.write(reinterpret_cast<const char*>(b), 4);
}

// Writes raw (uncompressed) IDX files for `count` images and `label_count` labels taken from
// the start of the MNIST training digits.
void write_idx(const std::filesystem::path& dir, const std::string& prefix, int count,
               int label_count) {
    static const Dataset mnist = dataset_load("mnist", "train");
    std::ofstream images(dir / (prefix + "-images-idx3-ubyte"), std::ios::binary);
    put_u32(images, 0x803);
    put_u32(images, uint32_t(count));
    put_u32(images, 28);
    put_u32(images, 28);
    for (int64_t i = 0; i < int64_t(count) * 784; ++i)
        images.put(char(uint8_t(std::lround(mnist.images[i] * 255.0f))));
    std::ofstream labels(dir / (prefix + "-labels-idx1-ubyte"), std::ios::binary);
    put_u32(labels, 0x801);
    put_u32(labels, uint32_t(label_count));
    for (int i = 0; i < label_count; ++i) labels.put(char(mnist.labels[size_t(i)]));
}

std::filesystem::path tiny_dataset(const std::string& name, int train, int test) {
    const auto dir = temp_dir(name);
    write_idx(dir, "train", train, train);
    write_idx(dir, "t10k", test, test);
    return dir;
}

// run_convlens with a command in front of the binary (e.g. `timeout -s INT 3`).
CommandResult run_with_prefix(const std::string& prefix, const std::string& args) {
    const auto dir = std::filesystem::path(CONVLENS_TEST_TMP) / "cli_capture_prefixed";
    std::filesystem::create_directories(dir);
    const auto out = dir / "stdout.txt", err = dir / "stderr.txt";
    const std::string command = prefix + CONVLENS_BINARY + " " + args + " >" + out.string() +
                                " 2>" + err.string() + " </dev/null";
    const int status = std::system(command.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
}

std::string last_line(const std::string& text) {
    std::string t = text;
    while (!t.empty() && t.back() == '\n') t.pop_back();
    const size_t nl = t.rfind('\n');
    return nl == std::string::npos ? t : t.substr(nl + 1);
}

TEST(CliEval, LastLineIsTheAccuracyOfTheShippedWeights) {
    const auto r = run_convlens("eval lenet5 --data mnist");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string line = last_line(r.out);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, std::regex(R"(accuracy: (\d\.\d{4}) \((\d+)/(\d+)\))")))
        << "last line: '" << line << "'";
    EXPECT_EQ(m[3].str(), "2000");
    EXPECT_NE(r.out.find("confusion matrix"), std::string::npos);
    // The same numbers as the engine computes in-process.
    const EvalResult e = evaluate(load_model("lenet5"), dataset_load("mnist", "test"));
    EXPECT_EQ(std::stoi(m[2].str()), e.correct);
    char expected[32];
    std::snprintf(expected, sizeof expected, "%.4f", e.accuracy());
    EXPECT_EQ(m[1].str(), expected);
}

TEST(CliTrain, WritesWeightsEachEpochThatEvalReads) {
    const auto dir = tiny_dataset("train_tiny", 96, 40);
    const auto weights = dir / "w.safetensors";
    const auto r = run_convlens("train lenet5 --data " + dir.string() +
                                " --epochs 2 --batch 16 --seed 3 --out " + weights.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("epoch 1/2: loss"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("epoch 2/2: loss"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("test accuracy"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("done: "), std::string::npos) << r.out;
    Graph g = zoo_build("lenet5");
    EXPECT_NO_THROW(safetensors_load(weights.string(), g));

    const auto e = run_convlens("eval lenet5 --weights " + weights.string() + " --data " +
                                dir.string() + " --split train");
    ASSERT_EQ(e.exit_code, 0) << e.err;
    EXPECT_TRUE(std::regex_match(last_line(e.out), std::regex(R"(accuracy: \d\.\d{4} \(\d+/96\))")))
        << last_line(e.out);
}

TEST(CliTrain, CtrlCKeepsTheLastFinishedEpoch) {
    const auto dir = tiny_dataset("train_sigint", 64, 16);
    const auto weights = dir / "w.safetensors";
    // SIGINT after 3 s, like one Ctrl-C: many 64-digit epochs have finished by then. Without
    // --foreground, timeout signals the child and then its whole process group, and the second
    // SIGINT ends the program at once (as a second Ctrl-C is meant to).
    const auto r = run_with_prefix("timeout --foreground --preserve-status -s INT 3 ",
                                   "train lenet5 --data " + dir.string() +
                                       " --epochs 1000000 --batch 16 --out " + weights.string());
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_NE(r.out.find("stopped; "), std::string::npos) << r.out;
    Graph g = zoo_build("lenet5");
    EXPECT_NO_THROW(safetensors_load(weights.string(), g));
    EXPECT_FALSE(std::filesystem::exists(weights.string() + ".tmp"));
}

// A command with "{...}" placeholders for prepared files, and a piece of its one-line message.
struct BadCase {
    const char* name;
    const char* args;
    const char* expect;
};

const BadCase k_bad_cases[] = {
    {"train_unknown_arch", "train nosuchnet --data mnist", "nosuchnet"},
    {"train_unknown_dataset", "train lenet5 --data nosuchdata", "nosuchdata"},
    {"train_folder_without_idx", "train lenet5 --data {empty}", "no IDX"},
    {"train_count_mismatch", "train lenet5 --data {mismatch}", "9 labels"},
    {"train_bad_optimizer", "train lenet5 --data mnist --optimizer rmsprop", "rmsprop"},
    {"eval_unknown_model", "eval nosuchnet --data mnist", "nosuchnet"},
    {"eval_unknown_dataset", "eval lenet5 --data nosuchdata", "nosuchdata"},
    {"eval_folder_without_idx", "eval lenet5 --data {empty}", "no IDX"},
    {"eval_count_mismatch", "eval lenet5 --data {mismatch}", "9 labels"},
    {"eval_mismatching_weights", "eval lenet5 --data mnist --weights {bad_weights}",
     "conv1.weight has shape [6,1,3,3], the model expects [6,1,5,5]"},
};

std::string replace(std::string s, const std::string& token, const std::string& value) {
    const size_t at = s.find(token);
    return at == std::string::npos ? s : s.replace(at, token.size(), value);
}

// lenet5 weights whose conv1.weight is 3x3 instead of 5x5.
std::filesystem::path write_bad_weights() {
    const auto path = temp_dir("bad_weights") / "w.safetensors";
    Graph g = zoo_build("lenet5");
    std::map<std::string, NamedTensor> tensors;
    for (const GraphParam& p : g.params()) {
        const Shape s = p.param.value->shape();
        const int64_t dims[4] = {s.n, s.c, s.h, s.w};
        tensors[p.name] =
            NamedTensor{*p.param.value, std::vector<int64_t>(dims, dims + p.param.rank)};
    }
    tensors["conv1.weight"] = NamedTensor{Tensor::zeros({6, 1, 3, 3}), {6, 1, 3, 3}};
    safetensors_write(path.string(), tensors);
    return path;
}

class CliTrainBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CliTrainBadInput, OneLineOnStderrAndExit1) {
    const BadCase& c = GetParam();
    std::string args = c.args;
    if (args.find("{empty}") != std::string::npos)
        args = replace(args, "{empty}", temp_dir("no_idx").string());
    if (args.find("{mismatch}") != std::string::npos) {
        const auto dir = temp_dir("count_mismatch");
        write_idx(dir, "train", 10, 9);
        write_idx(dir, "t10k", 10, 9);
        args = replace(args, "{mismatch}", dir.string());
    }
    if (args.find("{bad_weights}") != std::string::npos)
        args = replace(args, "{bad_weights}", write_bad_weights().string());
    const auto r = run_convlens(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Cli, CliTrainBadInput, ::testing::ValuesIn(k_bad_cases),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                             return std::string(info.param.name);
                         });

}  // namespace
}  // namespace cl::testing
