// Random: injected source of randomness (jitter, ids). SecureRandomHex is for secrets
// and always uses the operating system's CSPRNG.
//
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace gov {

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t Next() = 0;
  // Uniform in [0, 1).
  double Uniform01() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // A random (version 4) UUID in canonical text form.
  std::string Uuid4();
};

// Mersenne twister behind a mutex; seeded from std::random_device unless a seed is given.
class StdRandom : public Random {
 public:
  StdRandom();
  explicit StdRandom(uint64_t seed) : engine_(seed) {}
  uint64_t Next() override {
    std::lock_guard<std::mutex> lock(mu_);
    return engine_();
  }

 private:
  std::mutex mu_;
  std::mt19937_64 engine_;
};

// Process-wide default random source.
Random* DefaultRandom();

// `bytes` random bytes from the OS CSPRNG, hex encoded.
std::string SecureRandomHex(size_t bytes);

}  // namespace gov
