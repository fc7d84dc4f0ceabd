# gpubill_settings: language level and build-wide flags every target links privately.
add_library(gpubill_settings INTERFACE)
target_compile_features(gpubill_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(GPUBILL_SANITIZE)
  target_compile_options(gpubill_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(gpubill_settings INTERFACE -fsanitize=address,undefined)
endif()
