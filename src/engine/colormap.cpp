// Colour maps as small tables with linear interpolation between entries, so the GLSL side can
// use the same numbers (the GUI builds its lookup texture from colormap_rgb itself).
#include "engine/colormap.h"

#include <algorithm>
#include <cmath>

namespace cl {

namespace {

struct Rgb {
    float r, g, b;
};

// matplotlib's viridis (van der Walt & Smith, CC0): entries 0, 4, 8, ..., 252 and 255 of its
// 256-entry table. Interpolating between them stays within about one byte of the full table.
constexpr Rgb k_viridis[] = {
    {0.267004f, 0.004874f, 0.329415f}, {0.272594f, 0.025563f, 0.353093f},
    {0.277018f, 0.050344f, 0.375715f}, {0.280267f, 0.073417f, 0.397163f},
    {0.282327f, 0.094955f, 0.417331f}, {0.283197f, 0.115680f, 0.436115f},
    {0.282884f, 0.135920f, 0.453427f}, {0.281412f, 0.155834f, 0.469201f},
    {0.278826f, 0.175490f, 0.483397f}, {0.275191f, 0.194905f, 0.496005f},
    {0.270595f, 0.214069f, 0.507052f}, {0.265145f, 0.232956f, 0.516599f},
    {0.258965f, 0.251537f, 0.524736f}, {0.252194f, 0.269783f, 0.531579f},
    {0.244972f, 0.287675f, 0.537260f}, {0.237441f, 0.305202f, 0.541921f},
    {0.229739f, 0.322361f, 0.545706f}, {0.221989f, 0.339161f, 0.548752f},
    {0.214298f, 0.355619f, 0.551184f}, {0.206756f, 0.371758f, 0.553117f},
    {0.199430f, 0.387607f, 0.554642f}, {0.192357f, 0.403199f, 0.555836f},
    {0.185556f, 0.418570f, 0.556753f}, {0.179019f, 0.433756f, 0.557430f},
    {0.172719f, 0.448791f, 0.557885f}, {0.166617f, 0.463708f, 0.558119f},
    {0.160665f, 0.478540f, 0.558115f}, {0.154815f, 0.493313f, 0.557840f},
    {0.149039f, 0.508051f, 0.557250f}, {0.143343f, 0.522773f, 0.556295f},
    {0.137770f, 0.537492f, 0.554906f}, {0.132444f, 0.552216f, 0.553018f},
    {0.127568f, 0.566949f, 0.550556f}, {0.123463f, 0.581687f, 0.547445f},
    {0.120565f, 0.596422f, 0.543611f}, {0.119423f, 0.611141f, 0.538982f},
    {0.120638f, 0.625828f, 0.533488f}, {0.124780f, 0.640461f, 0.527068f},
    {0.132268f, 0.655014f, 0.519661f}, {0.143303f, 0.669459f, 0.511215f},
    {0.157851f, 0.683765f, 0.501686f}, {0.175707f, 0.697900f, 0.491033f},
    {0.196571f, 0.711827f, 0.479221f}, {0.220124f, 0.725509f, 0.466226f},
    {0.246070f, 0.738910f, 0.452024f}, {0.274149f, 0.751988f, 0.436601f},
    {0.304148f, 0.764704f, 0.419943f}, {0.335885f, 0.777018f, 0.402049f},
    {0.369214f, 0.788888f, 0.382914f}, {0.404001f, 0.800275f, 0.362552f},
    {0.440137f, 0.811138f, 0.340967f}, {0.477504f, 0.821444f, 0.318195f},
    {0.515992f, 0.831158f, 0.294279f}, {0.555484f, 0.840254f, 0.269281f},
    {0.595839f, 0.848717f, 0.243329f}, {0.636902f, 0.856542f, 0.216620f},
    {0.678489f, 0.863742f, 0.189503f}, {0.720391f, 0.870350f, 0.162603f},
    {0.762373f, 0.876424f, 0.137064f}, {0.804182f, 0.882046f, 0.114965f},
    {0.845561f, 0.887322f, 0.099702f}, {0.886271f, 0.892374f, 0.095374f},
    {0.926106f, 0.897330f, 0.104071f}, {0.964894f, 0.902323f, 0.123941f},
    {0.993248f, 0.906157f, 0.143936f},
};
constexpr int k_viridis_size = int(sizeof(k_viridis) / sizeof(k_viridis[0]));
static_assert(k_viridis_size == 65, "64 steps of 4 plus the last entry");

// Blue-white-red like matplotlib's RdBu_r: ColorBrewer's RdBu, reversed, with pure white at
// the centre so that 0 is neutral. Nine evenly spaced stops at t = 0, 1/8, ..., 1:
// #2166ac #4393c3 #92c5de #d1e5f0 #ffffff #fddbc7 #f4a582 #d6604d #b2182b.
constexpr uint8_t k_diverging[][3] = {
    {0x21, 0x66, 0xac}, {0x43, 0x93, 0xc3}, {0x92, 0xc5, 0xde},
    {0xd1, 0xe5, 0xf0}, {0xff, 0xff, 0xff}, {0xfd, 0xdb, 0xc7},
    {0xf4, 0xa5, 0x82}, {0xd6, 0x60, 0x4d}, {0xb2, 0x18, 0x2b},
};
constexpr int k_diverging_size = int(sizeof(k_diverging) / sizeof(k_diverging[0]));

uint8_t to_byte(float v) {
    return uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
}

std::array<uint8_t, 3> viridis(float t) {
    // Entry k sits at table index min(4k, 255), i.e. at t = min(4k, 255) / 255.
    const float x = t * 255.0f;
    const int k = std::min(int(x / 4.0f), k_viridis_size - 2);
    const float x0 = float(4 * k), x1 = float(std::min(4 * k + 4, 255));
    const float u = std::clamp((x - x0) / (x1 - x0), 0.0f, 1.0f);
    const Rgb& a = k_viridis[k];
    const Rgb& b = k_viridis[k + 1];
    return {to_byte(a.r + u * (b.r - a.r)), to_byte(a.g + u * (b.g - a.g)),
            to_byte(a.b + u * (b.b - a.b))};
}

std::array<uint8_t, 3> diverging(float t) {
    const float x = t * float(k_diverging_size - 1);
    const int k = std::min(int(x), k_diverging_size - 2);
    const float u = x - float(k);
    std::array<uint8_t, 3> out{};
    for (int i = 0; i < 3; ++i) {
        const float a = k_diverging[k][i], b = k_diverging[k + 1][i];
        out[size_t(i)] = uint8_t(std::lround(a + u * (b - a)));
    }
    return out;
}

}  // namespace

std::array<uint8_t, 3> colormap_rgb(Colormap map, float t) {
    t = t >= 0.0f ? std::min(t, 1.0f) : 0.0f;  // also maps NaN to 0
    switch (map) {
        case Colormap::Gray: {
            const uint8_t v = to_byte(t);
            return {v, v, v};
        }
        case Colormap::Viridis:
            return viridis(t);
        case Colormap::Diverging:
            return diverging(t);
    }
    return {0, 0, 0};
}

const char* colormap_name(Colormap map) {
    switch (map) {
        case Colormap::Gray:
            return "gray";
        case Colormap::Viridis:
            return "viridis";
        case Colormap::Diverging:
            return "diverging";
    }
    return "?";
}

}  // namespace cl
