// Colours one atlas of feature maps: raw float values (R32F) -> RGBA8 through a colour map.
// The lookup table rows are made from the engine's own colormap_rgb() (grey, viridis, and
// blue-white-red centred on 0), so the GUI and `convlens render` show the same colours.
#version 330 core
uniform sampler2D u_values;  // R32F: maps tiled u_cols wide, each u_map_w x u_map_h; NaN = none
uniform sampler2D u_ranges;  // RG32F, u_channels x 1: display range (lo, hi) of each map
uniform sampler2D u_lut;     // RGBA8, 256 x 3: one row per colour map
uniform int u_map_w;
uniform int u_map_h;
uniform int u_cols;
uniform int u_channels;
uniform int u_lut_row;
out vec4 o_colour;

void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    float v = texelFetch(u_values, p, 0).r;
    int channel = (p.y / u_map_h) * u_cols + p.x / u_map_w;
    if (channel >= u_channels || isnan(v)) {
        o_colour = vec4(0.16, 0.16, 0.16, 1.0);
        return;
    }
    vec2 range = texelFetch(u_ranges, ivec2(channel, 0), 0).rg;
    float span = range.y - range.x;
    float t = span > 0.0 ? clamp((v - range.x) / span, 0.0, 1.0) : 0.5;
    o_colour = texelFetch(u_lut, ivec2(int(t * 255.0 + 0.5), u_lut_row), 0);
}
