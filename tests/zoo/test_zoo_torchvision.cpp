// The torchvision-named models against torchvision itself (tests/reference/zoo_torchvision.py):
// the same state_dict keys with the same shapes for ResNet, the same parameter shapes in the
// same order for VGG, and the same totals.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/zoo/zoo.h"

namespace cl {
namespace {

class ZooTorchvision : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const std::string cmd = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                "/reference/zoo_torchvision.py resnet18 resnet34 vgg11 vgg16 vgg19";
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
        std::string text;
        char buf[4096];
        size_t n;
        while (pipe && (n = fread(buf, 1, sizeof(buf), pipe.get())) > 0) text.append(buf, n);
        reference_ = std::make_unique<nlohmann::json>(nlohmann::json::parse(text, nullptr, false));
    }
    static void TearDownTestSuite() { reference_.reset(); }

    const nlohmann::json& model(const std::string& name) {
        EXPECT_FALSE(reference_->is_discarded()) << "zoo_torchvision.py printed no JSON";
        return (*reference_)[name];
    }

    // [key, shape] of every parameter and buffer, in graph order, shapes in PyTorch's rank.
    static std::vector<std::pair<std::string, std::vector<int>>> ours(const std::string& name) {
        ZooOptions o;
        o.initialize = false;
        Graph g = zoo_build(name, o);
        std::vector<std::pair<std::string, std::vector<int>>> list;
        for (const GraphParam& p : g.params()) {
            const Shape& s = p.param.value->shape();
            const int dims[] = {s.n, s.c, s.h, s.w};
            list.push_back({p.name, std::vector<int>(dims, dims + p.param.rank)});
        }
        return list;
    }

    static std::unique_ptr<nlohmann::json> reference_;
};
std::unique_ptr<nlohmann::json> ZooTorchvision::reference_;

TEST_F(ZooTorchvision, ResNetStateDictKeysAndShapes) {
    for (const char* name : {"resnet18", "resnet34"}) {
        const auto& ref = model(name);
        ASSERT_TRUE(ref.is_object()) << name;
        const auto mine = ours(name);
        ASSERT_EQ(mine.size(), ref["state"].size()) << name;
        for (size_t i = 0; i < mine.size(); ++i) {
            EXPECT_EQ(mine[i].first, ref["state"][i][0].get<std::string>()) << name;
            EXPECT_EQ(mine[i].second, ref["state"][i][1].get<std::vector<int>>()) << mine[i].first;
        }
        ZooOptions o;
        o.initialize = false;
        EXPECT_EQ(zoo_build(name, o).param_count(), ref["params"].get<int64_t>()) << name;
    }
}

TEST_F(ZooTorchvision, VggParameterShapesInOrder) {
    for (const char* name : {"vgg11", "vgg16", "vgg19"}) {
        const auto& ref = model(name);
        ASSERT_TRUE(ref.is_object()) << name;
        const auto mine = ours(name);
        ASSERT_EQ(mine.size(), ref["state"].size()) << name;
        for (size_t i = 0; i < mine.size(); ++i)
            EXPECT_EQ(mine[i].second, ref["state"][i][1].get<std::vector<int>>())
                << name << " " << mine[i].first << " vs " << ref["state"][i][0];
        ZooOptions o;
        o.initialize = false;
        EXPECT_EQ(zoo_build(name, o).param_count(), ref["params"].get<int64_t>()) << name;
    }
}

}  // namespace
}  // namespace cl
