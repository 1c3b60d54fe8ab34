// Runs `convlens --screenshot` as a person's session would (optionally with an input script),
// loads the PNG, and measures what a person would look at: is there text, are there maps, is
// there a colour bar. Content checks, never pixel equality.
#pragma once

#include <stb_image.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "engine/colormap.h"

namespace cl::testing {

struct Screenshot {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb;
    std::array<int, 3> at(int x, int y) const {
        const uint8_t* p = &rgb[(size_t(y) * width + x) * 3];
        return {p[0], p[1], p[2]};
    }
    bool empty() const { return rgb.empty(); }
};

struct Rect {
    int x0, y0, x1, y1;  // [x0, x1) x [y0, y1)
};

inline Screenshot load_png(const std::string& path) {
    Screenshot s;
    int n = 0;
    unsigned char* px = stbi_load(path.c_str(), &s.width, &s.height, &n, 3);
    if (!px) return s;
    s.rgb.assign(px, px + size_t(s.width) * s.height * 3);
    stbi_image_free(px);
    return s;
}

// GUI tests need an X display; without one they fail (never skip) with this message.
inline ::testing::AssertionResult have_display() {
    if (std::getenv("DISPLAY")) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "DISPLAY is not set: the GUI tests need an X server; run them as "
              "xvfb-run -a -s \"-screen 0 1600x1000x24\" ctest -L gui";
}

struct GuiRun {
    CommandResult result;
    Screenshot shot;
};

// script: the lines of an input script ("" = none). args: more flags.
inline GuiRun run_gui(const std::string& name, const std::string& script,
                      const std::string& args = "--size 1400x900") {
    const auto dir = std::filesystem::path(CONVLENS_TEST_TMP) / "gui";
    std::filesystem::create_directories(dir);
    const auto png = dir / (name + ".png");
    std::filesystem::remove(png);
    std::string command = "--screenshot " + png.string() + " " + args;
    if (!script.empty()) {
        const auto file = dir / (name + ".script");
        std::ofstream(file) << script;
        command += " --script " + file.string();
    }
    GuiRun run;
    run.result = run_convlens(command);
    if (run.result.exit_code == 0) run.shot = load_png(png.string());
    return run;
}

inline int luminance(const std::array<int, 3>& c) {
    return (2 * c[0] + 7 * c[1] + c[2]) / 10;
}

// How many distinct colours (quantised to 5 bits per channel) a region holds.
inline int distinct_colours(const Screenshot& s, Rect r) {
    std::vector<bool> seen(1 << 15, false);
    int count = 0;
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x) {
            const auto c = s.at(x, y);
            const int key = ((c[0] >> 3) << 10) | ((c[1] >> 3) << 5) | (c[2] >> 3);
            if (!seen[size_t(key)]) seen[size_t(key)] = true, ++count;
        }
    return count;
}

// Pixels differing from the region's median background by more than `contrast` in luminance:
// glyph pixels of text on a uniform bar.
inline int contrast_pixels(const Screenshot& s, Rect r, int contrast = 90) {
    std::vector<int> lum;
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x) lum.push_back(luminance(s.at(x, y)));
    std::vector<int> sorted = lum;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const int bg = sorted[sorted.size() / 2];
    int count = 0;
    for (int v : lum) count += std::abs(v - bg) > contrast;
    return count;
}

inline double mean_luminance(const Screenshot& s) {
    double sum = 0;
    for (int y = 0; y < s.height; ++y)
        for (int x = 0; x < s.width; ++x) sum += luminance(s.at(x, y));
    return sum / (double(s.width) * s.height);
}

// The longest horizontal run in any row whose pixels follow `map` from t < 0.1 to t > 0.9 in
// order (a colour bar): each pixel within `tol` of some colormap_rgb(map, t), t never falling
// back by more than 0.05.
inline int colour_bar_length(const Screenshot& s, Colormap map, int tol = 14) {
    std::vector<std::array<int, 3>> lut(256);
    for (int i = 0; i < 256; ++i) {
        const auto c = colormap_rgb(map, float(i) / 255.0f);
        lut[size_t(i)] = {c[0], c[1], c[2]};
    }
    auto nearest = [&](const std::array<int, 3>& c) {
        int best = -1, best_d = tol * tol * 3 + 1;
        for (int i = 0; i < 256; ++i) {
            const int d = (c[0] - lut[i][0]) * (c[0] - lut[i][0]) +
                          (c[1] - lut[i][1]) * (c[1] - lut[i][1]) +
                          (c[2] - lut[i][2]) * (c[2] - lut[i][2]);
            if (d < best_d) best_d = d, best = i;
        }
        return best;
    };
    int longest = 0;
    for (int y = 0; y < s.height; ++y) {
        int start = -1, first_t = 0, last_t = 0, max_t = 0;
        for (int x = 0; x <= s.width; ++x) {
            const int t = x < s.width ? nearest(s.at(x, y)) : -1;
            const bool continues = t >= 0 && start >= 0 && t >= max_t - 13;
            if (!continues) {
                if (start >= 0 && first_t < 26 && last_t > 230)
                    longest = std::max(longest, x - start);
                start = t >= 0 ? x : -1;
                first_t = last_t = max_t = t;
                continue;
            }
            last_t = t;
            max_t = std::max(max_t, t);
        }
    }
    return longest;
}

// Pixels of a region that are colours of `map` at least `away` from its middle (for the
// diverging map: clearly blue or red, not the white of zero): coloured feature-map content.
inline int colormap_pixels(const Screenshot& s, Rect r, Colormap map, float away = 0.15f,
                           int tol = 10) {
    std::vector<std::array<int, 3>> lut;
    for (int i = 0; i < 256; ++i) {
        if (std::fabs(float(i) / 255.0f - 0.5f) < away) continue;
        const auto c = colormap_rgb(map, float(i) / 255.0f);
        lut.push_back({c[0], c[1], c[2]});
    }
    int count = 0;
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x) {
            const auto c = s.at(x, y);
            for (const auto& l : lut)
                if (std::abs(c[0] - l[0]) <= tol && std::abs(c[1] - l[1]) <= tol &&
                    std::abs(c[2] - l[2]) <= tol) {
                    ++count;
                    break;
                }
        }
    return count;
}

// Median length of horizontal runs of one colour in a region (how magnified the maps are).
inline double median_run(const Screenshot& s, Rect r) {
    std::vector<int> runs;
    for (int y = r.y0; y < r.y1; y += 3) {
        int len = 1;
        for (int x = r.x0 + 1; x < r.x1; ++x) {
            if (s.at(x, y) == s.at(x - 1, y)) {
                ++len;
            } else {
                runs.push_back(len);
                len = 1;
            }
        }
    }
    if (runs.empty()) return 0;
    std::nth_element(runs.begin(), runs.begin() + runs.size() / 2, runs.end());
    return runs[runs.size() / 2];
}

inline int count_near(const Screenshot& s, Rect r, std::array<int, 3> colour, int tol = 20) {
    int count = 0;
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x) {
            const auto c = s.at(x, y);
            count += std::abs(c[0] - colour[0]) <= tol && std::abs(c[1] - colour[1]) <= tol &&
                     std::abs(c[2] - colour[2]) <= tol;
        }
    return count;
}

inline double fraction_different(const Screenshot& a, const Screenshot& b, Rect r) {
    int diff = 0;
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x) {
            const auto p = a.at(x, y), q = b.at(x, y);
            diff += std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2]) > 30;
        }
    return double(diff) / (double(r.x1 - r.x0) * (r.y1 - r.y0));
}

}  // namespace cl::testing
