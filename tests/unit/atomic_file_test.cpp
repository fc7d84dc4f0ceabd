#include <catch2/catch.hpp>

#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include "gpubill/util/atomic_file.hpp"
#include "gpubill/util/error.hpp"
#include "support/fixtures.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;

TEST_CASE("atomic file: replaced whole on commit, untouched without", "[util][out-file]") {
  test::TempDir dir;
  std::string path = dir.path() + "/out.csv";
  { std::ofstream(path) << "old\n"; }
  ::chmod(path.c_str(), 0640);
  {
    util::AtomicFile f(path);
    f.write("half");
    CHECK(dir.list().size() == 2);  // the target and the temporary file
  }  // destroyed without commit
  CHECK(test::read_file(path) == "old\n");
  CHECK(dir.list() == std::vector<std::string>{"out.csv"});
  {
    util::AtomicFile f(path);
    f.write("new\n");
    f.commit();
  }
  CHECK(test::read_file(path) == "new\n");
  CHECK(dir.list() == std::vector<std::string>{"out.csv"});
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);  // permissions kept
}

TEST_CASE("atomic file: a symlink stays a link and its target is replaced", "[util][out-file]") {
  test::TempDir dir;
  std::string target = dir.path() + "/real.csv";
  std::string link = dir.path() + "/latest.csv";
  { std::ofstream(target) << "old\n"; }
  REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
  util::AtomicFile f(link);
  f.write("new\n");
  f.commit();
  struct stat st {};
  REQUIRE(::lstat(link.c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  CHECK(test::read_file(target) == "new\n");
}

TEST_CASE("atomic file: directories, dangling links and missing folders are errors",
          "[util][out-file]") {
  test::TempDir dir;
  CHECK_THROWS_AS(util::AtomicFile(dir.path()), IoError);
  std::string dangling = dir.path() + "/dangling";
  REQUIRE(::symlink((dir.path() + "/nowhere").c_str(), dangling.c_str()) == 0);
  CHECK_THROWS_WITH(util::AtomicFile(dangling), Catch::Contains("symlink to a missing file"));
  CHECK_THROWS_AS(util::AtomicFile(dir.path() + "/no/such/dir/x.csv"), IoError);
  CHECK_THROWS_AS(util::AtomicFile(""), util::UnusablePath);
  // util/ names the path, never the flag it came from (the CLI adds --out-file).
  CHECK_THROWS_WITH(util::AtomicFile(dir.path()), dir.path() + " is a directory");
}

TEST_CASE("atomic file: a device is written directly, never renamed over", "[util][out-file]") {
  {
    util::AtomicFile f("/dev/null");
    f.write("discarded");
    f.commit();
  }
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  util::AtomicFile full("/dev/full");
  CHECK_THROWS_WITH(full.write("x"), Catch::Contains("No space left on device"));
}
