# Every dependency comes from a Debian 12 package. When one is missing, stop with a message
# that names the package to install (scripts/setup.sh installs them all).
function(convlens_require found package what)
  if(NOT ${found})
    message(FATAL_ERROR "ConvLens needs ${what}: install the Debian package '${package}' "
                        "(or run scripts/setup.sh, which installs everything)")
  endif()
endfunction()

find_package(PkgConfig QUIET)
convlens_require(PkgConfig_FOUND pkg-config "pkg-config")

find_package(Threads REQUIRED)

find_package(Eigen3 3.4 QUIET NO_MODULE)
convlens_require(Eigen3_FOUND libeigen3-dev "Eigen 3.4")

find_package(nlohmann_json 3 QUIET)
convlens_require(nlohmann_json_FOUND nlohmann-json3-dev "nlohmann-json")

find_package(ZLIB QUIET)
convlens_require(ZLIB_FOUND zlib1g-dev "zlib")

find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp)
convlens_require(CLI11_INCLUDE_DIR libcli11-dev "CLI11")

pkg_check_modules(STB QUIET stb)
convlens_require(STB_FOUND libstb-dev "stb (stb_image, stb_image_write)")
add_library(convlens_stb INTERFACE)
target_include_directories(convlens_stb INTERFACE ${STB_INCLUDE_DIRS})
target_link_libraries(convlens_stb INTERFACE ${STB_LINK_LIBRARIES})

# ONNX's CMake config refers to protobuf::libprotobuf, so Protobuf must be found first.
find_package(Protobuf QUIET)
convlens_require(Protobuf_FOUND libprotobuf-dev "protobuf")
find_package(ONNX QUIET)
convlens_require(ONNX_FOUND libonnx-dev "the ONNX library")

find_package(glfw3 3.3 QUIET)
convlens_require(glfw3_FOUND libglfw3-dev "GLFW 3.3")
find_package(OpenGL QUIET)
convlens_require(OPENGL_FOUND libgl-dev "OpenGL")

pkg_check_modules(IMGUI QUIET imgui)
convlens_require(IMGUI_FOUND libimgui-dev "Dear ImGui 1.86")
set(CONVLENS_IMGUI_BACKENDS /usr/share/doc/libimgui-dev/examples/backends)
if(NOT EXISTS ${CONVLENS_IMGUI_BACKENDS}/imgui_impl_glfw.cpp)
  message(FATAL_ERROR "ConvLens needs Dear ImGui's GLFW/OpenGL3 backends: install the Debian package 'libimgui-dev'")
endif()

if(CONVLENS_TESTS)
  find_package(GTest QUIET)
  convlens_require(GTest_FOUND libgtest-dev "GoogleTest")
endif()
find_package(benchmark QUIET)
