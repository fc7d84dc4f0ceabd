# gpubill_settings: language level and build-wide flags every target links privately.
add_library(gpubill_settings INTERFACE)
target_compile_features(gpubill_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(GPUBILL_FUZZ)
  # Everything instrumented for coverage; the fuzz targets link libFuzzer's main.
  target_compile_options(gpubill_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                         -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(gpubill_settings INTERFACE -fsanitize=address,undefined)
elseif(GPUBILL_SANITIZE)
  # -fno-sanitize-recover: undefined behaviour stops the test that hit it, so it cannot pass.
  # GCC 12 reports false maybe-uninitialized warnings inside <regex> and <functional> once
  # instrumented; they are not findings, and -Werror must not turn them into a failed build.
  target_compile_options(gpubill_settings INTERFACE -fsanitize=address,undefined
                         -fno-sanitize-recover=all -fno-omit-frame-pointer
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  target_link_options(gpubill_settings INTERFACE -fsanitize=address,undefined
                      -fno-sanitize-recover=all)
endif()
