#include "src/agent/config/yaml_syntax_hint.h"

#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gov::agent {
namespace {

// What one text line contributes to the block structure.
struct Line {
  int number = 0;  // 0-based
  std::string text;
  bool structural = false;  // has a list item `-` or a key, and is not inside a scalar
  int indent = 0;           // column of the first non-blank character
  int tab_column = -1;      // column of a tab inside the leading whitespace, or -1
  std::vector<int> dash_columns;
  int key_column = -1;  // -1: no key on this line
  std::string key;
  std::string value;           // after "key:" or the last "- ", comment removed, trimmed
  int open_quote_column = -1;  // a quoted value that is not closed on this line
};

bool IsBlankOrComment(const std::string& s, size_t from) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == '#') return true;
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return false;
  }
  return true;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Removes a trailing " # comment" that is outside quotes.
std::string StripComment(const std::string& s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      if (i == 0 || s[i - 1] == ' ') quote = c;
    } else if (c == '#' && (i == 0 || s[i - 1] == ' ')) {
      return s.substr(0, i);
    }
  }
  return s;
}

// True when `value` starts a quoted scalar that does not end on the same line.
bool QuoteLeftOpen(const std::string& value) {
  if (value.empty() || (value[0] != '"' && value[0] != '\'')) return false;
  const char q = value[0];
  for (size_t i = 1; i < value.size(); ++i) {
    if (q == '"' && value[i] == '\\') {
      ++i;
    } else if (value[i] == q) {
      if (q == '\'' && i + 1 < value.size() && value[i + 1] == '\'') {
        ++i;  // '' is an escaped single quote
      } else {
        return false;
      }
    }
  }
  return true;
}

bool IsBlockScalarIndicator(const std::string& value) {
  return !value.empty() && (value[0] == '|' || value[0] == '>');
}

// A value that opens a nested block rather than completing the key: nothing, a block
// scalar, or only an anchor/tag.
bool OpensBlock(const std::string& value) {
  if (value.empty() || IsBlockScalarIndicator(value)) return true;
  if (value[0] == '&' || value[0] == '!') return value.find(' ') == std::string::npos;
  return false;
}

Line AnalyzeLine(int number, const std::string& raw) {
  Line line;
  line.number = number;
  line.text = raw;
  size_t i = 0;
  while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) {
    if (raw[i] == '\t' && line.tab_column < 0) line.tab_column = static_cast<int>(i);
    ++i;
  }
  if (IsBlankOrComment(raw, i)) return line;
  line.indent = static_cast<int>(i);
  while (i < raw.size() && raw[i] == '-' && (i + 1 == raw.size() || raw[i + 1] == ' ')) {
    line.dash_columns.push_back(static_cast<int>(i));
    ++i;
    while (i < raw.size() && raw[i] == ' ') ++i;
  }
  const std::string rest = raw.substr(i);
  // A key: a quoted name, or a plain one, followed by ':' and a space or the line's end.
  size_t colon = std::string::npos;
  if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
    size_t close = rest.find(rest[0], 1);
    if (close != std::string::npos && close + 1 < rest.size() && rest[close + 1] == ':') {
      colon = close + 1;
    }
  } else if (!rest.empty() && std::string("[{|>&*!%@`#").find(rest[0]) == std::string::npos) {
    for (size_t j = 0; j < rest.size(); ++j) {
      if (rest[j] == ':' && (j + 1 == rest.size() || rest[j + 1] == ' ' || rest[j + 1] == '\r')) {
        colon = j;
        break;
      }
      if (rest[j] == '#' && j > 0 && rest[j - 1] == ' ') break;
    }
  }
  if (colon != std::string::npos) {
    line.key_column = static_cast<int>(i);
    line.key = Trim(rest.substr(0, colon));
    if (line.key.size() >= 2 && (line.key[0] == '"' || line.key[0] == '\'')) {
      line.key = line.key.substr(1, line.key.size() - 2);
    }
    line.value = Trim(StripComment(rest.substr(colon + 1)));
    if (QuoteLeftOpen(line.value)) {
      const size_t value_start = rest.find_first_not_of(' ', colon + 1);
      line.open_quote_column = static_cast<int>(i + value_start);
    }
  } else {
    line.value = Trim(StripComment(rest));
    if (!line.dash_columns.empty() && QuoteLeftOpen(line.value)) {
      line.open_quote_column = static_cast<int>(i);
    }
  }
  line.structural = line.key_column >= 0 || !line.dash_columns.empty();
  return line;
}

// Reads every line, marking the ones inside block scalars and multi-line quoted values
// as not structural.
std::vector<Line> AnalyzeText(const std::string& text) {
  std::vector<std::string> raw = absl::StrSplit(text, '\n');
  std::vector<Line> lines;
  lines.reserve(raw.size());
  int block_parent = -1;  // >= 0: inside a block scalar whose key sits at this column
  int block_indent = -1;  // the block's content indentation, once known
  char open_quote = 0;
  for (size_t n = 0; n < raw.size(); ++n) {
    if (open_quote != 0) {
      Line cont;
      cont.number = static_cast<int>(n);
      cont.text = raw[n];
      lines.push_back(cont);
      // Close when the line holds the matching quote.
      if (raw[n].find(open_quote) != std::string::npos) open_quote = 0;
      continue;
    }
    if (block_parent >= 0) {
      const size_t first = raw[n].find_first_not_of(' ');
      const bool blank =
          first == std::string::npos || raw[n].find_first_not_of(" \r") == std::string::npos;
      const int indent = blank ? 0 : static_cast<int>(first);
      if (blank || (block_indent < 0 && indent > block_parent) ||
          (block_indent >= 0 && indent >= block_indent)) {
        if (!blank && block_indent < 0) block_indent = indent;
        Line content;
        content.number = static_cast<int>(n);
        content.text = raw[n];
        lines.push_back(content);
        continue;
      }
      block_parent = -1;
      block_indent = -1;
    }
    Line line = AnalyzeLine(static_cast<int>(n), raw[n]);
    if (line.structural && IsBlockScalarIndicator(line.value)) {
      block_parent = line.key_column >= 0 ? line.key_column : line.dash_columns.back();
    }
    if (line.open_quote_column >= 0) open_quote = raw[n][line.open_quote_column];
    lines.push_back(line);
  }
  return lines;
}

std::string Col(int column0) { return absl::StrCat("column ", column0 + 1); }

// Names the first structural token of a line for messages.
std::string FirstToken(const Line& line) {
  if (!line.dash_columns.empty()) return "the list item `-`";
  return absl::StrCat("`", line.key, "`");
}

// One level of the block structure enclosing a line: a key or a list item.
struct Level {
  const Line* line;
  int column;
  bool is_key;
  std::string Label() const {
    return is_key ? absl::StrCat("`", line->key, "`") : std::string("the list item `-`");
  }
};

// The levels enclosing line index `t` (exclusive), nearest (deepest) first.
std::vector<Level> EnclosingLevels(const std::vector<Line>& lines, size_t t) {
  std::vector<Level> levels;
  int limit = std::numeric_limits<int>::max();
  for (size_t k = t; k-- > 0 && limit > 0;) {
    const Line& l = lines[k];
    if (!l.structural) continue;
    std::vector<Level> entries;
    for (int c : l.dash_columns) entries.push_back({&l, c, false});
    if (l.key_column >= 0) entries.push_back({&l, l.key_column, true});
    for (size_t e = entries.size(); e-- > 0;) {
      if (entries[e].column < limit) {
        levels.push_back(entries[e]);
        limit = entries[e].column;
      }
    }
  }
  return levels;
}

std::optional<YamlSyntaxHint> Hint(const Line& at, int column0, std::string text) {
  return YamlSyntaxHint{at.number + 1, column0 + 1, std::move(text), ""};
}

// The slip of the user's Quick Start sample: line `t` is indented deeper than the key (or
// list item) on the structural line before it, which already has its value.
std::optional<YamlSyntaxHint> DeeperThanCompleted(const std::vector<Line>& lines, size_t t) {
  const Line& target = lines[t];
  const int tcol = target.indent;
  const Line* prev = nullptr;
  for (size_t k = t; k-- > 0;) {
    if (lines[k].structural) {
      prev = &lines[k];
      break;
    }
  }
  if (prev == nullptr) return std::nullopt;
  const int prev_col = prev->key_column >= 0 ? prev->key_column : prev->dash_columns.back();
  if (OpensBlock(prev->value) || tcol <= prev_col) return std::nullopt;
  if (target.dash_columns.empty() && prev->key_column >= 0) {
    return Hint(target, tcol,
                absl::StrCat("keys of one mapping must line up: `", target.key, "` (", Col(tcol),
                             ") is indented deeper than `", prev->key, "` (", Col(prev_col),
                             ") on line ", prev->number + 1));
  }
  const std::string prev_label =
      prev->key_column >= 0 ? absl::StrCat("`", prev->key, "`") : "the list item `-`";
  return Hint(target, tcol,
              absl::StrCat(FirstToken(target), " (", Col(tcol), ") is indented deeper than ",
                           prev_label, " (", Col(prev_col), ") on line ", prev->number + 1,
                           ", which already has a value"));
}

// True when a flow collection opens on the line and does not close there.
bool OpensFlowAcrossLines(const Line& line) {
  if (line.value.empty() || (line.value[0] != '[' && line.value[0] != '{')) return false;
  int depth = 0;
  for (char c : line.value) {
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
  }
  return depth > 0;
}

std::optional<YamlSyntaxHint> UnclosedBracket(const std::string& text, int mark_line,
                                              int mark_column) {
  struct Open {
    char c;
    int line;
    int column;
  };
  std::vector<Open> stack;
  int line = 0;
  int column = 0;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (line > mark_line || (line == mark_line && column >= mark_column)) break;
    const char c = text[i];
    if (c == '\n') {
      ++line;
      column = 0;
      comment = false;
      continue;
    }
    if (!comment) {
      if (quote != 0) {
        if (c == '\\' && quote == '"') {
          ++i;
          ++column;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (column == 0 || text[i - 1] == ' ')) {
        comment = true;
      } else if (c == '[' || c == '{') {
        stack.push_back({c, line, column});
      } else if ((c == ']' || c == '}') && !stack.empty()) {
        stack.pop_back();
      }
    }
    ++column;
  }
  if (stack.empty()) return std::nullopt;
  const Open& o = stack.back();
  const char close = o.c == '[' ? ']' : '}';
  return YamlSyntaxHint{o.line + 1, o.column + 1,
                        absl::StrCat("the `", std::string(1, o.c), "` opened here is never closed ",
                                     "(a `", std::string(1, close), "` is missing)"),
                        ""};
}

// The key path of the line at index `t` as the user meant it ("instances[0].type"): its
// own key under the keys and list items that open blocks above it.
std::string KeyPathAt(const std::vector<Line>& lines, size_t t) {
  const Line& target = lines[t];
  std::vector<Level> ancestors;
  for (const Level& level : EnclosingLevels(lines, t)) {
    if (level.column >= target.indent) continue;
    if (level.is_key &&
        (!OpensBlock(level.line->value) || IsBlockScalarIndicator(level.line->value))) {
      continue;  // a key with its value is a sibling, not a parent
    }
    ancestors.push_back(level);
  }
  std::string path;
  for (size_t a = ancestors.size(); a-- > 0;) {
    const Level& level = ancestors[a];
    if (level.is_key) {
      absl::StrAppend(&path, path.empty() ? "" : ".", level.line->key);
      continue;
    }
    // The item's index: items at this column since the enclosing level's line.
    const int from = a + 1 < ancestors.size() ? ancestors[a + 1].line->number : -1;
    int index = -1;
    for (int k = from + 1; k <= level.line->number; ++k) {
      const Line& l = lines[static_cast<size_t>(k)];
      if (!l.structural) continue;
      for (int c : l.dash_columns) index += c == level.column ? 1 : 0;
    }
    absl::StrAppend(&path, "[", index < 0 ? 0 : index, "]");
  }
  if (target.dash_columns.empty() && target.key_column >= 0) {
    absl::StrAppend(&path, path.empty() ? "" : ".", target.key);
  }
  return path;
}

// Fills in the hint's key path when its line is one the line reading understands.
std::optional<YamlSyntaxHint> WithKey(std::optional<YamlSyntaxHint> hint,
                                      const std::vector<Line>& lines) {
  if (!hint || hint->line < 1 || static_cast<size_t>(hint->line) > lines.size()) return hint;
  for (int k = 0; k < hint->line; ++k) {
    if (lines[static_cast<size_t>(k)].tab_column >= 0) return hint;
  }
  const size_t t = static_cast<size_t>(hint->line - 1);
  if (lines[t].structural) hint->key = KeyPathAt(lines, t);
  return hint;
}

std::optional<YamlSyntaxHint> ExplainLines(const std::vector<Line>& lines, const std::string& text,
                                           int mark_line, int mark_column,
                                           const std::string& parser_message) {
  if (lines.empty()) return std::nullopt;
  if (mark_line < 0) mark_line = 0;

  // The target: the structural line at the mark, else the next one, else the last one.
  size_t t = lines.size();
  for (size_t k = static_cast<size_t>(mark_line); k < lines.size(); ++k) {
    if (lines[k].structural) {
      t = k;
      break;
    }
  }
  if (t == lines.size()) {
    for (size_t k = std::min(lines.size(), static_cast<size_t>(mark_line) + 1); k-- > 0;) {
      if (lines[k].structural) {
        t = k;
        break;
      }
    }
  }
  const size_t last =
      t == lines.size() ? std::min(lines.size() - 1, static_cast<size_t>(mark_line)) : t;

  // Tabs in indentation.
  for (size_t k = 0; k <= last; ++k) {
    if (lines[k].tab_column >= 0) {
      return Hint(lines[k], lines[k].tab_column,
                  "a tab is used for indentation; YAML allows only spaces there");
    }
  }
  // A quoted value left open on an earlier line swallows the lines after it.
  for (size_t k = 0; k < lines.size() && k < static_cast<size_t>(mark_line); ++k) {
    if (lines[k].open_quote_column >= 0) {
      const std::string what =
          lines[k].key_column >= 0 ? absl::StrCat("of `", lines[k].key, "` ") : "";
      return Hint(lines[k], lines[k].open_quote_column,
                  absl::StrCat("the quoted value ", what,
                               "is not closed on this line, so the lines after it up to line ",
                               mark_line + 1, " were read as part of it"));
    }
  }
  if (parser_message.find("flow") != std::string::npos) {
    if (auto hint = UnclosedBracket(text, mark_line, mark_column)) return hint;
  }
  if (t == lines.size()) return std::nullopt;
  const Line& target = lines[t];
  const int tcol = target.indent;

  if (auto hint = DeeperThanCompleted(lines, t)) return hint;

  const std::vector<Level> levels = EnclosingLevels(lines, t);
  const Level* same = nullptr;
  const Level* deeper = nullptr;     // nearest enclosing level indented more than the target
  const Level* shallower = nullptr;  // nearest enclosing level indented less
  for (const Level& level : levels) {
    if (level.column == tcol && same == nullptr) same = &level;
    if (level.column > tcol) deeper = &level;
    if (level.column < tcol && shallower == nullptr) shallower = &level;
  }
  if (same == nullptr && deeper != nullptr) {
    // Dedented to a column that no enclosing mapping or list uses.
    std::string text_out =
        absl::StrCat("keys of one mapping must line up: ", FirstToken(target), " (", Col(tcol),
                     ") is indented less than ", deeper->Label(), " (", Col(deeper->column),
                     ", line ", deeper->line->number + 1, ")");
    if (shallower != nullptr) {
      absl::StrAppend(&text_out, " but more than ", shallower->Label(), " (",
                      Col(shallower->column), ", line ", shallower->line->number + 1, ")");
    }
    return Hint(target, tcol, text_out);
  }
  if (same == nullptr && shallower != nullptr && shallower->is_key &&
      IsBlockScalarIndicator(shallower->line->value)) {
    return Hint(target, tcol,
                absl::StrCat("keys of one mapping must line up: ", FirstToken(target), " (",
                             Col(tcol), ") is indented deeper than ", shallower->Label(), " (",
                             Col(shallower->column), ") on line ", shallower->line->number + 1,
                             ", whose value is the text block before it"));
  }
  if (same != nullptr) {
    const bool target_is_item = !target.dash_columns.empty();
    if (target_is_item && same->is_key && !OpensBlock(same->line->value)) {
      return Hint(target, tcol,
                  absl::StrCat("a list item `-` (", Col(tcol),
                               ") cannot stand among the keys "
                               "of a mapping: ",
                               same->Label(), " on line ", same->line->number + 1,
                               " is at the same indentation"));
    }
    if (!target_is_item && !same->is_key) {
      return Hint(target, tcol,
                  absl::StrCat("`", target.key, "` (", Col(tcol),
                               ") lines up with the list item `-` on line ", same->line->number + 1,
                               "; indent it to line up with the keys inside that item, or make "
                               "it a list item too"));
    }
  }
  // A colon inside an unquoted value.
  if (static_cast<size_t>(mark_line) < lines.size()) {
    const Line& at = lines[mark_line];
    if (at.key_column >= 0 && mark_column > at.key_column &&
        static_cast<size_t>(mark_column) < at.text.size() && at.text[mark_column] == ':') {
      return Hint(
          at, mark_column,
          absl::StrCat("the value of `", at.key, "` contains `: `; put the value in quotes"));
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<YamlSyntaxHint> ExplainYamlSyntaxError(const std::string& text, int mark_line,
                                                     int mark_column,
                                                     const std::string& parser_message) {
  const std::vector<Line> lines = AnalyzeText(text);
  return WithKey(ExplainLines(lines, text, mark_line, mark_column, parser_message), lines);
}

std::vector<YamlSyntaxHint> FindMisalignedKeys(const std::string& text, int after_line) {
  std::vector<YamlSyntaxHint> out;
  const std::vector<Line> lines = AnalyzeText(text);
  for (size_t t = 0; t < lines.size(); ++t) {
    if (!lines[t].structural) continue;
    if (OpensFlowAcrossLines(lines[t]) || lines[t].tab_column >= 0) break;  // beyond this scan
    if (static_cast<int>(t) < after_line) continue;
    if (auto hint = WithKey(DeeperThanCompleted(lines, t), lines)) out.push_back(*hint);
  }
  return out;
}

}  // namespace gov::agent
