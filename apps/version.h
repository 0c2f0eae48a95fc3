#pragma once
namespace gov {
inline constexpr char kVersion[] = "0.2.0";
}
