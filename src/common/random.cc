#include "src/common/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "absl/strings/escaping.h"

namespace gov {

StdRandom::StdRandom() : engine_(std::random_device{}()) {}

std::string Random::Uuid4() {
  uint64_t hi = Next();
  uint64_t lo = Next();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

Random* DefaultRandom() {
  static StdRandom* r = new StdRandom();
  return r;
}

std::string SecureRandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
    // The OS CSPRNG failing is not recoverable: refuse to hand out weak secrets.
    throw std::runtime_error("RAND_bytes failed");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

}  // namespace gov
