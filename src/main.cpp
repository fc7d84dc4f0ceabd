#include "gpubill/cli/run.hpp"

int main(int argc, char** argv) { return gpubill::cli::run(argc, argv); }
