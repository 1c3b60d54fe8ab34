// Input scripts for screenshot mode and GUI tests: one command per line (move, down, up,
// click, drag, key, text, drop, wait-idle, frames, view, resize; see docs/gui.md), played one event
// per frame through the GLFW backend's own callbacks so ImGui sees them like real input.
#pragma once

#include <string>
#include <vector>

struct GLFWwindow;

namespace cl {

struct ScriptCommand {
    enum class Kind {
        Move,
        Down,
        Up,
        KeyPress,
        KeyRelease,
        Text,
        WaitIdle,
        Frames,
        View,
        Resize,
        Drop
    };
    Kind kind = Kind::Frames;
    float x = 0, y = 0;     // Move; Resize (as width, height)
    int button = 0;         // Down / Up: 0 left, 1 right
    int key = 0, mods = 0;  // KeyPress / KeyRelease: GLFW key code and modifier bits
    std::string text;       // Text; View (the view id); Drop (the path)
    int count = 1;          // Frames
    int line = 0;           // in the script file, for messages
};

// Parses a script (click/drag/key expand into primitive steps). Throws cl::Error "FILE:LINE: ...".
std::vector<ScriptCommand> script_parse(const std::string& text, const std::string& file);
std::vector<ScriptCommand> script_load(const std::string& path);

// What the player needs from the app, once per frame.
struct ScriptHost {
    GLFWwindow* window = nullptr;
    bool worker_idle = true;
    bool ready = true;            // false until the first result is on screen: the script waits
    std::string* view = nullptr;  // AppState::view
    std::vector<std::string>* drops = nullptr;  // files dropped onto the window
};

class ScriptPlayer {
public:
    ScriptPlayer() = default;
    explicit ScriptPlayer(std::vector<ScriptCommand> commands) : commands_(std::move(commands)) {}

    // Call after ImGui_ImplGlfw_NewFrame and before ImGui::NewFrame: plays at most one event and
    // puts the scripted mouse into ImGui's io (the real pointer is ignored in scripted runs).
    void play_frame(const ScriptHost& host);
    bool done() const { return next_ >= commands_.size(); }
    const std::vector<ScriptCommand>& commands() const { return commands_; }

private:
    std::vector<ScriptCommand> commands_;
    size_t next_ = 0;
    int frames_left_ = 0;
    float mouse_x_ = -1e6f, mouse_y_ = -1e6f;
    bool buttons_[2] = {false, false};
};

}  // namespace cl
