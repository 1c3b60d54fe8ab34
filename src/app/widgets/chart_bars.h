// Small bar charts drawn with ImGui's draw list (ImPlot is not in Debian): a value with a bar
// behind it for table cells, and a profile of many bars (one per layer) with hover.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace cl {

// Series colours that stay apart on dark and light themes and for colour-blind eyes
// (Okabe-Ito blue, orange, bluish green, reddish purple).
ImU32 chart_series_colour(int series, float alpha = 1.0f);

// Text with a bar behind it filling `fraction` (0..1) of the width available.
void bar_value(const char* text, float fraction, ImU32 colour);

// One bar per value, scaled to the largest, in a framed box `size` large. highlight: an index
// outlined (or -1). Returns the index under the mouse, or -1.
int chart_profile(const char* id, const std::vector<double>& values, ImVec2 size, ImU32 colour,
                  int highlight);

}  // namespace cl
