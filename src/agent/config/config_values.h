// Text rules for agent configuration values, shared by the YAML file and the TYK_AGENT_*
// variables: booleans, whole numbers, and the shape checks of addresses, URLs, AWS
// regions and Kubernetes object names.
//
// The checks return an empty string when the text is acceptable, else a message. A
// message quotes the text: never pass a secret to them.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gov::agent {

// true/false, yes/no, 1/0, any letter case.
std::optional<bool> ParseBoolText(const std::string& text);

// A decimal whole number with an optional sign, no other characters.
std::optional<int64_t> ParseIntText(const std::string& text);

// host:port of the hub's gRPC endpoint: no scheme, no path, port 1-65535;
// IPv6 hosts in brackets ("[::1]:50051").
std::string CheckServerAddress(const std::string& text);

// An http:// or https:// URL with a host. `example` appears in the message.
std::string CheckHttpUrl(const std::string& text, const std::string& example);

// An AWS region name such as us-east-1, eu-west-2, us-gov-west-1, cn-north-1.
std::string CheckAwsRegion(const std::string& text);

// A Kubernetes object name (DNS-1123 subdomain: lower-case letters, digits, '-' and '.',
// starting and ending with a letter or digit, at most 253 characters).
std::string CheckKubernetesName(const std::string& text);

// A Kubernetes namespace (DNS-1123 label: lower-case letters, digits and '-', at most 63).
std::string CheckKubernetesNamespace(const std::string& text);

}  // namespace gov::agent
