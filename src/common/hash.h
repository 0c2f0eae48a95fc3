// Hashing helpers over OpenSSL: SHA-256 (content hashes, stored key hashes) and
// HMAC-SHA256 (request signing). Constant-time comparison for secrets.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace gov {

std::string Sha256Hex(std::string_view data);
// Raw 32-byte digest.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace gov
