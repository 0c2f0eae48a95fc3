// YamlSyntaxHint: turns a yaml-cpp parse error ("end of map not found" at some mark) into
// a message a person can act on, by reading the text lines around the mark: keys that do
// not line up, tabs used for indentation, a quote or bracket that is never closed, a
// colon inside an unquoted value. It also moves the location to the line at fault when
// the parser noticed the problem later (an unclosed quote or bracket).
//
// The hint names keys and columns only; it never quotes values (they may be secrets).
//
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gov::agent {

struct YamlSyntaxHint {
  int line = 0;    // 1-based line at fault
  int column = 0;  // 1-based column at fault
  std::string text;
  std::string key;  // key path of that line as meant ("instances[0].type"); "" when unknown
};

// `mark_line` and `mark_column` are yaml-cpp's 0-based Mark of the error; `parser_message`
// is YAML::Exception::msg. nullopt when the text gives no better explanation.
std::optional<YamlSyntaxHint> ExplainYamlSyntaxError(const std::string& text, int mark_line,
                                                     int mark_column,
                                                     const std::string& parser_message);

// After a syntax error the parser reports nothing further. This finds every later line
// (after 1-based line `after_line`) showing the same slip as the Quick Start sample: a key
// indented deeper than the key before it, which already has its value. Stops where a
// multi-line flow collection or a tab makes the line-by-line reading unreliable.
std::vector<YamlSyntaxHint> FindMisalignedKeys(const std::string& text, int after_line);

}  // namespace gov::agent
