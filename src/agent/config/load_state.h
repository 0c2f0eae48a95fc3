// LoadState: what the agent configuration loader has gathered so far: the config being
// filled in, where each setting's value came from, where each section was written, and
// the problems found. The YAML reader, the environment reader and the validator each
// add to it in turn (internal to gov_agent_config).
//
// Thread-safety: not thread-safe; one per LoadAgentConfig call.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "src/agent/config/agent_config.h"
#include "src/agent/config/config_schema.h"

namespace gov::agent {

inline constexpr char kEnvironmentFile[] = "environment";

// Where a value or a key was written: a file position and key path, or a variable.
struct Origin {
  std::string file;
  int line = 0;     // 1-based; 0 unknown
  int column = 0;   // 1-based; 0 unknown
  std::string key;  // dotted key path, or the variable's name
};

class LoadState {
 public:
  explicit LoadState(std::string file_label) : file_label_(std::move(file_label)) {}

  AgentConfig& config() { return config_; }
  const std::string& file_label() const { return file_label_; }

  void Error(const Origin& at, std::string message);
  void Warning(const Origin& at, std::string message);
  void Add(const Origin& at, std::string message, bool warning);

  // Reads `text` with the setting's rules; on success assigns it and remembers `at` as
  // the value's origin (a later call, e.g. from a variable, replaces an earlier one, and
  // the warnings the earlier value raised go with it).
  void ApplySetting(const Setting& setting, const std::string& text, const Origin& at);

  // Where the setting at `path` got its final value; nullptr when it has its default.
  const Origin* OriginOf(const std::string& path) const;
  // True when some value given for `path` was rejected (already reported).
  bool Rejected(const std::string& path) const { return rejected_.count(path) > 0; }

  // Records where the key of a section or setting ("governanceDashboard.auth") appears in
  // the file, so missing values can be reported at their section.
  void NoteKey(const std::string& path, const Origin& at) { keys_[path] = at; }
  // The nearest written section enclosing `path` (or `path` itself); file-level origin
  // (no line) when none was written.
  Origin NearestWritten(const std::string& path) const;

  // True when `instances` was written but is not a list (already reported).
  bool instances_rejected() const { return instances_rejected_; }
  void set_instances_rejected() { instances_rejected_ = true; }

  std::vector<ConfigProblem> TakeProblems();

 private:
  std::string file_label_;
  AgentConfig config_;
  std::map<std::string, Origin> origins_;
  std::map<std::string, Origin> keys_;
  std::set<std::string> rejected_;
  std::vector<ConfigProblem> problems_;
  std::vector<bool> dropped_;                          // parallel to problems_
  std::map<std::string, std::vector<size_t>> raised_;  // setting path -> its warnings
  bool instances_rejected_ = false;
};

}  // namespace gov::agent
