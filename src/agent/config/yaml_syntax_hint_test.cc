#include "src/agent/config/yaml_syntax_hint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace gov::agent {
namespace {

using ::testing::HasSubstr;

// Parses `text` with yaml-cpp (which must reject it) and explains the error.
std::optional<YamlSyntaxHint> Explain(const std::string& text) {
  try {
    YAML::LoadAll(text);
  } catch (const YAML::ParserException& e) {
    return ExplainYamlSyntaxError(text, e.mark.line, e.mark.column, e.msg);
  }
  ADD_FAILURE() << "yaml-cpp accepted:\n" << text;
  return std::nullopt;
}

struct HintCase {
  std::string name;
  std::string text;
  int line;
  int column;
  std::string hint;
  std::string key;
};

TEST(ExplainYamlSyntaxError, PointsAtTheLineAtFault) {
  const std::vector<HintCase> cases = {
      {"deeper-quoted", "instances:\n    - name: \"tyk-provider\"\n       type: \"tyk\"\n", 3, 8,
       "keys of one mapping must line up: `type` (column 8) is indented deeper than `name` "
       "(column 7) on line 2",
       "instances[0].type"},
      {"deeper-plain", "instances:\n  - name: tyk\n     type: tyk\n", 3, 6,
       "keys of one mapping must line up: `type` (column 6) is indented deeper than `name` "
       "(column 5) on line 2",
       "instances[0].type"},
      {"deeper-after-comments", "a:\n  b: 1\n\n   # note\n\n   c: 2\n", 6, 4,
       "keys of one mapping must line up: `c` (column 4) is indented deeper than `b` (column 3) "
       "on line 2",
       "a.c"},
      {"between-levels", "a:\n    b: 1\n  c: 2\n", 3, 3,
       "keys of one mapping must line up: `c` (column 3) is indented less than `b` (column 5, "
       "line 2) but more than `a` (column 1, line 1)",
       "a.c"},
      {"between-in-list", "instances:\n  - name: x\n    config:\n      host: h\n   type: tyk\n", 5,
       4,
       "keys of one mapping must line up: `type` (column 4) is indented less than `config` "
       "(column 5, line 3) but more than the list item `-` (column 3, line 2)",
       "instances[0].type"},
      {"item-among-keys", "a:\n  b: x\n  - c\n", 3, 3,
       "a list item `-` (column 3) cannot stand among the keys of a mapping: `b` on line 2 is at "
       "the same indentation",
       "a"},
      {"key-after-items", "a:\n  - x\n  y: 1\n", 3, 3,
       "`y` (column 3) lines up with the list item `-` on line 2", "a.y"},
      {"after-block-scalar", "a: |\n  text\n b: 1\n", 3, 2,
       "keys of one mapping must line up: `b` (column 2) is indented deeper than `a` (column 1) "
       "on line 1, whose value is the text block before it",
       "b"},
      {"tab", "a:\n\tb: 1\n", 2, 1, "a tab is used for indentation; YAML allows only spaces there",
       ""},
      {"open-quote", "a: \"x\nb: 2\nc: \"y\"\n", 1, 4,
       "the quoted value of `a` is not closed on this line, so the lines after it up to line 3 "
       "were read as part of it",
       "a"},
      {"open-bracket", "a: [1, 2\nb: 3\n", 1, 4,
       "the `[` opened here is never closed (a `]` is missing)", "a"},
      {"open-brace", "x: 1\na: {b: [1], c: 2\nd: 3\n", 2, 4,
       "the `{` opened here is never closed (a `}` is missing)", "a"},
      {"colon-in-value", "a: b: c\n", 1, 5,
       "the value of `a` contains `: `; put the value in quotes", "a"},
  };
  for (const HintCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::optional<YamlSyntaxHint> hint = Explain(c.text);
    ASSERT_TRUE(hint.has_value());
    EXPECT_EQ(hint->line, c.line);
    EXPECT_EQ(hint->column, c.column);
    EXPECT_THAT(hint->text, HasSubstr(c.hint));
    EXPECT_EQ(hint->key, c.key);
  }
}

TEST(FindMisalignedKeys, ListsTheSameSlipFurtherDown) {
  const std::string text =
      "instances:\n"
      "  - name: a\n"
      "     type: tyk\n"
      "  - name: b\n"
      "    type: aws\n"
      "  - name: c\n"
      "     type: aws\n"
      "     config:\n"
      "       region: x\n";
  std::vector<YamlSyntaxHint> more = FindMisalignedKeys(text, 3);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].line, 7);
  EXPECT_EQ(more[0].column, 6);
  EXPECT_EQ(more[0].key, "instances[2].type");
  EXPECT_EQ(FindMisalignedKeys(text, 0).size(), 2u);
  // Valid structure gives nothing; a multi-line flow stops the scan.
  EXPECT_TRUE(FindMisalignedKeys("a:\n  b: 1\n  c:\n    d: 2\n", 0).empty());
  EXPECT_TRUE(FindMisalignedKeys("a: [1,\n  2]\nb: 1\n   c: 2\n", 0).empty());
}

TEST(ExplainYamlSyntaxError, NoHintWhenTheTextExplainsNothing) {
  EXPECT_EQ(ExplainYamlSyntaxError("", 0, 0, "x"), std::nullopt);
  EXPECT_EQ(
      ExplainYamlSyntaxError("a: 1\nb: *nope\n", 1, 3, "the referenced anchor is not defined"),
      std::nullopt);
}

TEST(ExplainYamlSyntaxError, NeverQuotesValues) {
  std::optional<YamlSyntaxHint> hint = Explain("token: SECRET-VALUE: x\n");
  ASSERT_TRUE(hint.has_value());
  EXPECT_EQ(hint->text.find("SECRET"), std::string::npos) << hint->text;
  hint = Explain("auth:\n  token: \"SECRET-VALUE\"\n     next: 1\n");
  ASSERT_TRUE(hint.has_value());
  EXPECT_EQ(hint->text.find("SECRET"), std::string::npos) << hint->text;
}

}  // namespace
}  // namespace gov::agent
