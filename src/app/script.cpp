// Script parsing and playback (see script.h).
#include "app/script.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "engine/error.h"
#include "engine/io/atomic_file.h"

namespace cl {

namespace {
struct KeyName {
    const char* name;
    int key;
};
const KeyName k_keys[] = {
    {"right", GLFW_KEY_RIGHT},
    {"left", GLFW_KEY_LEFT},
    {"up", GLFW_KEY_UP},
    {"down", GLFW_KEY_DOWN},
    {"home", GLFW_KEY_HOME},
    {"end", GLFW_KEY_END},
    {"pageup", GLFW_KEY_PAGE_UP},
    {"pagedown", GLFW_KEY_PAGE_DOWN},
    {"escape", GLFW_KEY_ESCAPE},
    {"esc", GLFW_KEY_ESCAPE},
    {"enter", GLFW_KEY_ENTER},
    {"tab", GLFW_KEY_TAB},
    {"backspace", GLFW_KEY_BACKSPACE},
    {"delete", GLFW_KEY_DELETE},
    {"space", GLFW_KEY_SPACE},
    {"equal", GLFW_KEY_EQUAL},
    {"minus", GLFW_KEY_MINUS},
    {"plus", GLFW_KEY_KP_ADD},
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// "ctrl+equal", "F11", "a", "shift+Tab" -> GLFW key + modifier bits; -1 if unknown.
int parse_key(const std::string& spec, int& mods) {
    std::string rest = lower(spec);
    mods = 0;
    for (;;) {
        const size_t plus = rest.find('+');
        if (plus == std::string::npos || plus + 1 == rest.size()) break;
        const std::string mod = rest.substr(0, plus);
        if (mod == "ctrl")
            mods |= GLFW_MOD_CONTROL;
        else if (mod == "shift")
            mods |= GLFW_MOD_SHIFT;
        else if (mod == "alt")
            mods |= GLFW_MOD_ALT;
        else
            return -1;
        rest = rest.substr(plus + 1);
    }
    for (const KeyName& k : k_keys)
        if (rest == k.name) return k.key;
    if (rest.size() == 1 && rest[0] >= 'a' && rest[0] <= 'z') return GLFW_KEY_A + (rest[0] - 'a');
    if (rest.size() == 1 && rest[0] >= '0' && rest[0] <= '9') return GLFW_KEY_0 + (rest[0] - '0');
    if (rest.size() >= 2 && rest[0] == 'f') {
        const int n = std::atoi(rest.c_str() + 1);
        if (n >= 1 && n <= 12) return GLFW_KEY_F1 + n - 1;
    }
    return -1;
}

int modifier_key(int mod_bit) {
    if (mod_bit == GLFW_MOD_CONTROL) return GLFW_KEY_LEFT_CONTROL;
    if (mod_bit == GLFW_MOD_SHIFT) return GLFW_KEY_LEFT_SHIFT;
    return GLFW_KEY_LEFT_ALT;
}

// The quoted argument of `text "..."`, with \" and \\ escapes.
bool parse_quoted(const std::string& line, size_t from, std::string& out) {
    const size_t open = line.find('"', from);
    if (open == std::string::npos) return false;
    out.clear();
    for (size_t i = open + 1; i < line.size(); ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
            out += line[++i];
        } else if (line[i] == '"') {
            return true;
        } else {
            out += line[i];
        }
    }
    return false;
}
}  // namespace

std::vector<ScriptCommand> script_parse(const std::string& text, const std::string& file) {
    using Kind = ScriptCommand::Kind;
    std::vector<ScriptCommand> out;
    std::istringstream lines(text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
        ++number;
        std::istringstream in(line);
        std::string word;
        if (!(in >> word) || word[0] == '#') continue;
        const std::string where = file + ":" + std::to_string(number) + ": ";
        auto fail = [&](const std::string& why) {
            throw Error(where + why + " in '" + line + "'");
        };
        auto add = [&](ScriptCommand c) {
            c.line = number;
            out.push_back(c);
        };
        ScriptCommand c;
        if (word == "move") {
            if (!(in >> c.x >> c.y)) fail("expected: move X Y");
            c.kind = Kind::Move;
            add(c);
        } else if (word == "down" || word == "up") {
            std::string button = "left";
            in >> button;
            if (button != "left" && button != "right") fail("button must be left or right");
            c.kind = word == "down" ? Kind::Down : Kind::Up;
            c.button = button == "right" ? 1 : 0;
            add(c);
        } else if (word == "click") {
            if (!(in >> c.x >> c.y)) fail("expected: click X Y");
            c.kind = Kind::Move;
            add(c);
            c.kind = Kind::Down;
            add(c);
            c.kind = Kind::Up;
            add(c);
        } else if (word == "drag") {
            float x1, y1, x2, y2;
            int steps = 10;
            if (!(in >> x1 >> y1 >> x2 >> y2)) fail("expected: drag X1 Y1 X2 Y2 [STEPS]");
            in >> steps;
            if (steps < 1 || steps > 1000) fail("STEPS must be 1..1000");
            c.kind = Kind::Move, c.x = x1, c.y = y1;
            add(c);
            c.kind = Kind::Down;
            add(c);
            for (int i = 1; i <= steps; ++i) {
                c.kind = Kind::Move;
                c.x = x1 + (x2 - x1) * float(i) / float(steps);
                c.y = y1 + (y2 - y1) * float(i) / float(steps);
                add(c);
            }
            c.kind = Kind::Up;
            add(c);
        } else if (word == "key") {
            std::string spec;
            if (!(in >> spec)) fail("expected: key NAME");
            c.key = parse_key(spec, c.mods);
            if (c.key < 0) fail("unknown key '" + spec + "'");
            c.kind = Kind::KeyPress;
            add(c);
            c.kind = Kind::KeyRelease;
            add(c);
        } else if (word == "text") {
            if (!parse_quoted(line, line.find("text") + 4, c.text)) fail("expected: text \"...\"");
            c.kind = Kind::Text;
            add(c);
        } else if (word == "drop") {
            if (!parse_quoted(line, line.find("drop") + 4, c.text)) fail("expected: drop \"PATH\"");
            c.kind = Kind::Drop;
            add(c);
        } else if (word == "wait-idle") {
            c.kind = Kind::WaitIdle;
            add(c);
        } else if (word == "frames") {
            if (!(in >> c.count) || c.count < 1 || c.count > 100000) fail("expected: frames N");
            c.kind = Kind::Frames;
            add(c);
        } else if (word == "view") {
            if (!(in >> c.text)) fail("expected: view NAME");
            c.kind = Kind::View;
            add(c);
        } else if (word == "resize") {
            if (!(in >> c.x >> c.y) || c.x < 1 || c.y < 1) fail("expected: resize W H");
            c.kind = Kind::Resize;
            add(c);
        } else {
            fail("unknown command '" + word + "'");
        }
    }
    return out;
}

std::vector<ScriptCommand> script_load(const std::string& path) {
    return script_parse(read_file_bytes(path), path);
}

void ScriptPlayer::play_frame(const ScriptHost& host) {
    using Kind = ScriptCommand::Kind;
    if (!host.ready) {
        // nothing plays before the first result is on screen, as a person would wait for it
    } else if (frames_left_ > 0) {
        --frames_left_;
    } else if (!done()) {
        const ScriptCommand& c = commands_[next_];
        bool advance = true;
        switch (c.kind) {
            case Kind::Move:
                mouse_x_ = c.x, mouse_y_ = c.y;
                break;
            case Kind::Down:
                buttons_[c.button] = true;
                break;
            case Kind::Up:
                buttons_[c.button] = false;
                break;
            case Kind::KeyPress:
            case Kind::KeyRelease: {
                const int action = c.kind == Kind::KeyPress ? GLFW_PRESS : GLFW_RELEASE;
                for (int bit : {GLFW_MOD_CONTROL, GLFW_MOD_SHIFT, GLFW_MOD_ALT})
                    if ((c.mods & bit) && action == GLFW_PRESS)
                        ImGui_ImplGlfw_KeyCallback(host.window, modifier_key(bit), 0, action,
                                                   c.mods);
                ImGui_ImplGlfw_KeyCallback(host.window, c.key, 0, action, c.mods);
                for (int bit : {GLFW_MOD_CONTROL, GLFW_MOD_SHIFT, GLFW_MOD_ALT})
                    if ((c.mods & bit) && action == GLFW_RELEASE)
                        ImGui_ImplGlfw_KeyCallback(host.window, modifier_key(bit), 0, action, 0);
                break;
            }
            case Kind::Text:
                ImGui::GetIO().AddInputCharactersUTF8(c.text.c_str());
                break;
            case Kind::WaitIdle:
                advance = host.worker_idle;
                break;
            case Kind::Frames:
                frames_left_ = c.count - 1;
                break;
            case Kind::View:
                *host.view = c.text;
                break;
            case Kind::Resize:
                glfwSetWindowSize(host.window, int(c.x), int(c.y));
                break;
            case Kind::Drop:
                host.drops->push_back(c.text);
                break;
        }
        if (advance) ++next_;
    }
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(mouse_x_, mouse_y_);
    io.MouseDown[0] = buttons_[0];
    io.MouseDown[1] = buttons_[1];
}

}  // namespace cl
