// The shipped ImageNet class names agree with torchvision's own list, index by index.
#include <gtest/gtest.h>

#include <fstream>

#include "cli_runner.h"
#include "engine/error.h"
#include "engine/imagenet_labels.h"
#include "testing.h"

namespace cl {
namespace {

TEST(ImagenetLabels, MatchTorchvisionsList) {
    const auto dir = testing::temp_dir("imagenet_labels");
    const std::string command =
        std::string(CONVLENS_PYTHON) +
        " -c \"from torchvision.models._meta import _IMAGENET_CATEGORIES as c; "
        "print('\\n'.join(c))\" >" +
        (dir / "torchvision.txt").string();
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ifstream in(dir / "torchvision.txt");
    std::vector<std::string> want;
    for (std::string line; std::getline(in, line);) want.push_back(line);

    const std::vector<std::string> names = imagenet_labels();
    ASSERT_EQ(names.size(), size_t(k_imagenet_classes));
    EXPECT_EQ(names, want);
    EXPECT_EQ(names[0], "tench");
    EXPECT_EQ(names[281], "tabby");
}

TEST(ImagenetLabels, ShortFileIsAClearError) {
    const auto dir = testing::temp_dir("imagenet_labels_short");
    std::ofstream(dir / "short.txt") << "tench\ngoldfish\n";
    try {
        imagenet_labels_from((dir / "short.txt").string());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("found 2"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace cl
