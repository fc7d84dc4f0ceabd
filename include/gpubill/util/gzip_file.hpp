#pragma once
// A gzip file (RFC 1952, zlib's deflate) written as it comes: `export focus` streams each
// provider's FOCUS CSV through one, inside a folder that is renamed into place whole.
// The header carries no name and no time, so the same text always gives the same bytes.

#include <string>
#include <string_view>

namespace gpubill::util {

class GzipFile {
 public:
  /// Creates (or truncates) `path`, mode 0644 less the umask. Throws IoError.
  explicit GzipFile(std::string path);
  ~GzipFile();
  GzipFile(const GzipFile&) = delete;
  GzipFile& operator=(const GzipFile&) = delete;

  /// Compresses and writes `data`. Throws IoError (disk full, I/O error).
  void write(std::string_view data);
  /// Ends the stream, syncs and closes the file. Throws IoError.
  void finish();
  const std::string& path() const { return m_path; }

 private:
  void pump(int flush);
  std::string m_path;
  int m_fd = -1;
  void* m_stream = nullptr;  // z_stream
  std::string m_out;
  bool m_finished = false;
};

/// The whole decompressed text of a gzip file (for tests and checks). Throws IoError.
std::string read_gzip_file(const std::string& path);

}  // namespace gpubill::util
