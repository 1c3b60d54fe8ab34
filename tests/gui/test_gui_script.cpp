// Script parsing (no display needed): commands expand into one event per frame, and mistakes
// name the file and line.
#include <gtest/gtest.h>

#include <GLFW/glfw3.h>

#include "app/script.h"
#include "engine/error.h"

namespace cl {

using Kind = ScriptCommand::Kind;

TEST(GuiScript, ClickIsMoveDownUp) {
    const auto c = script_parse("# comment\n\nclick 10 20\n", "s");
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(c[0].kind, Kind::Move);
    EXPECT_EQ(c[0].x, 10);
    EXPECT_EQ(c[0].y, 20);
    EXPECT_EQ(c[1].kind, Kind::Down);
    EXPECT_EQ(c[2].kind, Kind::Up);
    EXPECT_EQ(c[2].line, 3);
}

TEST(GuiScript, DragInterpolatesItsSteps) {
    const auto c = script_parse("drag 0 0 100 50 4\n", "s");
    ASSERT_EQ(c.size(), 7u);  // move, down, 4 moves, up
    EXPECT_EQ(c[1].kind, Kind::Down);
    EXPECT_FLOAT_EQ(c[3].x, 50);
    EXPECT_FLOAT_EQ(c[3].y, 25);
    EXPECT_FLOAT_EQ(c[5].x, 100);
    EXPECT_EQ(c[6].kind, Kind::Up);
}

TEST(GuiScript, KeysWithModifiers) {
    const auto c = script_parse("key ctrl+equal\nkey F11\nkey Right\n", "s");
    ASSERT_EQ(c.size(), 6u);
    EXPECT_EQ(c[0].kind, Kind::KeyPress);
    EXPECT_EQ(c[0].key, GLFW_KEY_EQUAL);
    EXPECT_EQ(c[0].mods, GLFW_MOD_CONTROL);
    EXPECT_EQ(c[1].kind, Kind::KeyRelease);
    EXPECT_EQ(c[2].key, GLFW_KEY_F11);
    EXPECT_EQ(c[4].key, GLFW_KEY_RIGHT);
    EXPECT_EQ(c[4].mods, 0);
}

TEST(GuiScript, TextKeepsEscapedQuotes) {
    const auto c = script_parse("text \"say \\\"hi\\\"\"\n", "s");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].text, "say \"hi\"");
}

struct BadLine {
    const char* name;
    const char* line;
    const char* message;
};

void PrintTo(const BadLine& b, std::ostream* os) {
    *os << b.name;
}

class GuiScriptErrors : public ::testing::TestWithParam<BadLine> {};

TEST_P(GuiScriptErrors, NameFileAndLine) {
    try {
        script_parse(std::string("frames 1\n") + GetParam().line + "\n", "my.script");
        FAIL() << "no error for: " << GetParam().line;
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("my.script:2: ", 0), 0u) << what;
        EXPECT_NE(what.find(GetParam().message), std::string::npos) << what;
    }
}

INSTANTIATE_TEST_SUITE_P(
    GuiScript, GuiScriptErrors,
    ::testing::Values(BadLine{"unknown_command", "jump 3", "unknown command 'jump'"},
                      BadLine{"move_needs_two", "move 3", "expected: move X Y"},
                      BadLine{"unknown_key", "key hyper+x", "unknown key"},
                      BadLine{"bad_button", "down middle", "left or right"},
                      BadLine{"unterminated_text", "text \"abc", "expected: text"},
                      BadLine{"zero_frames", "frames 0", "expected: frames N"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace cl
