#pragma once
// Output files appear whole or not at all: data goes to a temporary file beside the target,
// which is flushed, synced and renamed over the target only on commit(). A destroyed
// AtomicFile that was not committed removes its temporary file and leaves the target as it was.
// A symlink target is followed (the link survives). A target that exists and is not a regular
// file (a device such as /dev/stdout, a FIFO) is written directly: it cannot be renamed over.

#include <string>
#include <string_view>

#include "gpubill/util/error.hpp"

namespace gpubill::util {

/// A path that cannot be an output file at all (empty, a directory, a symlink to nothing):
/// exit 1. The message names the path, not where it came from; the CLI adds "--out-file".
class UnusablePath : public IoError {
 public:
  using IoError::IoError;
};

class AtomicFile {
 public:
  /// Creates the temporary file next to `path`. Throws UnusablePath for a path that cannot be
  /// a file, IoError when the directory is not writable.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Throws IoError on a write error (disk full, I/O error).
  void write(std::string_view data);
  /// Syncs and renames over the target. Throws IoError; the target is untouched then.
  void commit();
  /// Before commit(): makes the target the same path with `suffix` appended (a partial report
  /// goes beside the file it must not replace). False for a device or FIFO, which is written
  /// as it comes and cannot be diverted.
  bool divert(std::string_view suffix);
  /// Where commit() puts the file (a symlink's target, once followed).
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
  std::string m_tmp_path;
  int m_fd = -1;
  int m_slot = -1;  // where a signal handler finds m_tmp_path to remove it
  bool m_direct = false;  ///< writing straight into a device or FIFO
  bool m_committed = false;
};

/// Writes all of `data` to stdout. A closed pipe (`| head`) ends quietly: false, nothing
/// printed; other write errors throw IoError.
bool write_stdout(std::string_view data);

}  // namespace gpubill::util
