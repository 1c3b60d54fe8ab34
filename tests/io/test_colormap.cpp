// Colour maps: the published anchor colours of viridis and ColorBrewer's RdBu, grey, and the
// property that makes viridis readable (brightness rises monotonically).
#include <array>
#include <cmath>

#include "engine/colormap.h"
#include "io_test_util.h"

namespace cl {
namespace {

using Rgb = std::array<uint8_t, 3>;

::testing::AssertionResult near_rgb(const Rgb& got, const Rgb& want, int tolerance) {
    for (int i = 0; i < 3; ++i)
        if (std::abs(int(got[size_t(i)]) - int(want[size_t(i)])) > tolerance)
            return ::testing::AssertionFailure()
                   << "got (" << int(got[0]) << "," << int(got[1]) << "," << int(got[2])
                   << "), want (" << int(want[0]) << "," << int(want[1]) << "," << int(want[2])
                   << ")";
    return ::testing::AssertionSuccess();
}

TEST(Colormap, ViridisHitsMatplotlibsAnchors) {
    // matplotlib: viridis(0) #440154, viridis(0.25) #3b528b, viridis(0.5) #21918c,
    // viridis(0.75) #5ec962, viridis(1) #fde725
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Viridis, 0.0f), {0x44, 0x01, 0x54}, 0));
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Viridis, 0.25f), {0x3b, 0x52, 0x8b}, 1));
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Viridis, 0.5f), {0x21, 0x91, 0x8c}, 1));
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Viridis, 0.75f), {0x5e, 0xc9, 0x62}, 1));
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Viridis, 1.0f), {0xfd, 0xe7, 0x25}, 0));
}

TEST(Colormap, ViridisBrightnessRises) {
    double last = -1.0;
    for (int i = 0; i <= 1000; ++i) {
        const Rgb c = colormap_rgb(Colormap::Viridis, float(i) / 1000.0f);
        const double luma = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        EXPECT_GE(luma, last - 0.5) << i;  // rounding to bytes may wobble by half a step
        last = luma;
    }
}

TEST(Colormap, DivergingIsBlueWhiteRed) {
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Diverging, 0.0f), {0x21, 0x66, 0xac}, 0));
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Diverging, 0.5f), {255, 255, 255}, 0));
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Diverging, 1.0f), {0xb2, 0x18, 0x2b}, 0));
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Diverging, 0.25f), {0x92, 0xc5, 0xde}, 0));
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Diverging, 0.75f), {0xf4, 0xa5, 0x82}, 0));
    // Symmetric around white: the farther from 0.5, the darker.
    for (float d : {0.1f, 0.2f, 0.3f, 0.4f}) {
        const Rgb lo = colormap_rgb(Colormap::Diverging, 0.5f - d);
        const Rgb hi = colormap_rgb(Colormap::Diverging, 0.5f + d);
        EXPECT_GT(lo[2], lo[0]) << d;  // bluish
        EXPECT_GT(hi[0], hi[2]) << d;  // reddish
    }
}

TEST(Colormap, GreyAndClamping) {
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Gray, 0.0f), {0, 0, 0}, 0));
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Gray, 0.5f), {128, 128, 128}, 0));
    EXPECT_TRUE(near_rgb(colormap_rgb(Colormap::Gray, 1.0f), {255, 255, 255}, 0));
    EXPECT_EQ(colormap_rgb(Colormap::Viridis, -3.0f), colormap_rgb(Colormap::Viridis, 0.0f));
    EXPECT_EQ(colormap_rgb(Colormap::Viridis, 7.0f), colormap_rgb(Colormap::Viridis, 1.0f));
    EXPECT_EQ(colormap_rgb(Colormap::Diverging, std::nanf("")),
              colormap_rgb(Colormap::Diverging, 0.0f));
    EXPECT_STREQ(colormap_name(Colormap::Viridis), "viridis");
}

}  // namespace
}  // namespace cl
