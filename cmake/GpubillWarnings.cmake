# gpubill_warnings: the warning set; -Werror only when GPUBILL_WERROR is ON.
add_library(gpubill_warnings INTERFACE)
target_compile_options(gpubill_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${GPUBILL_WERROR}>:-Werror>)
