#include "src/agent/config/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/agent/config/config_values.h"
#include "src/agent/config/yaml_syntax_hint.h"
#include "src/common/suggest.h"

namespace gov::agent {
namespace {

const std::vector<std::string> kInstanceKeys = {"name", "type", "config"};
const std::vector<std::string> kProviderTypes = {"aws", "tyk"};
const std::vector<std::string> kTykKeys = {"host", "auth"};
const std::vector<std::string> kAwsKeys = {"accessKeyId", "accessKeySecret", "region",
                                           "sessionToken", "endpoint"};

std::string Kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    default:
      return "a single value";
  }
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  for (const std::string& x : list) {
    if (x == s) return true;
  }
  return false;
}

std::string Backticked(const std::vector<std::string>& keys) {
  std::vector<std::string> quoted;
  for (const std::string& k : keys) quoted.push_back(absl::StrCat("`", k, "`"));
  return absl::StrJoin(quoted, ", ");
}

class Reader {
 public:
  Reader(std::string file, LoadState* state) : file_(std::move(file)), state_(state) {}

  bool Read(const std::string& text);

 private:
  Origin At(const YAML::Node& node, const std::string& key) const {
    const YAML::Mark m = node.Mark();
    return Origin{file_, m.line < 0 ? 0 : m.line + 1, m.column < 0 ? 0 : m.column + 1, key};
  }
  // A value's own position, or its key's when the value is empty (yaml-cpp puts an
  // empty value's mark at the next token, often on a later line).
  Origin ValueAt(const YAML::Node& value, const Origin& key_origin) const {
    if (value.IsNull()) return key_origin;
    Origin o = At(value, key_origin.key);
    return o.line == 0 ? key_origin : o;
  }

  void SyntaxError(const std::string& text, const YAML::ParserException& e);
  void Mapping(const YAML::Node& node, const std::string& prefix);
  void Setting_(const Setting& setting, const YAML::Node& value, const Origin& key_origin);
  void UnknownKey(const std::string& name, const std::string& prefix, const Origin& at);
  void Instances(const YAML::Node& node, const Origin& key_origin);
  void Instance(const YAML::Node& node, size_t index, std::map<std::string, Origin>* names);
  // Reads a mapping's pairs into `out` (name -> (key origin, value)), reporting keys that
  // are not in `allowed`, repeated, or not plain names.
  struct Entry {
    Origin key_origin;
    YAML::Node value;
  };
  // `explain` gives what follows "unknown key `x`" when no allowed key is close.
  std::map<std::string, Entry> Pairs(const YAML::Node& node, const std::string& path,
                                     const std::vector<std::string>& allowed,
                                     const std::function<std::string(const std::string&)>& explain);
  // A string value; nullopt (reported) when it is a mapping or a list.
  std::optional<std::string> Text(const Entry& entry);

  std::string file_;
  LoadState* state_;
};

// Notes where the second YAML document of a stream starts. (YAML::LoadAll is not used:
// yaml-cpp 0.7 can return empty documents forever on some malformed input.)
class SecondDocumentFinder : public YAML::EventHandler {
 public:
  int documents = 0;
  YAML::Mark second_start;
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents == 2) second_start = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

bool Reader::Read(const std::string& text) {
  YAML::Node root;
  SecondDocumentFinder finder;
  try {
    root = YAML::Load(text);
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    while (finder.documents < 2 && parser.HandleNextDocument(finder)) {
    }
  } catch (const YAML::ParserException& e) {
    SyntaxError(text, e);
    return false;
  } catch (const YAML::Exception& e) {
    state_->Error(Origin{file_, e.mark.line + 1, e.mark.column + 1, ""},
                  absl::StrCat("invalid YAML: ", e.msg));
    return false;
  }
  if (root.IsNull()) {
    state_->Error(Origin{file_, 0, 0, ""},
                  "the config file has no settings (it is empty or only comments); expected "
                  "settings such as governanceDashboard and instances");
    return false;
  }
  if (finder.documents > 1) {
    state_->Warning(Origin{file_, finder.second_start.line + 1, finder.second_start.column + 1, ""},
                    "the file holds more than one YAML document (---); only the first is read");
  }
  if (!root.IsMap()) {
    state_->Error(At(root, ""),
                  absl::StrCat("the top level must be a mapping of settings (key: value), found ",
                               Kind(root)));
    return false;
  }
  Mapping(root, "");
  return true;
}

void Reader::SyntaxError(const std::string& text, const YAML::ParserException& e) {
  auto hint = ExplainYamlSyntaxError(text, e.mark.line, e.mark.column, e.msg);
  if (hint) {
    state_->Error(Origin{file_, hint->line, hint->column, hint->key},
                  absl::StrCat("invalid YAML: ", hint->text, " (the parser said: ", e.msg, ")"));
    // The parser stops at its first error; the same slip further down is worth listing too.
    for (const YamlSyntaxHint& more : FindMisalignedKeys(text, hint->line)) {
      state_->Error(Origin{file_, more.line, more.column, more.key},
                    absl::StrCat("invalid YAML: ", more.text));
    }
  } else {
    state_->Error(Origin{file_, e.mark.line + 1, e.mark.column + 1, ""},
                  absl::StrCat("invalid YAML: ", e.msg));
  }
}

std::map<std::string, Reader::Entry> Reader::Pairs(
    const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed,
    const std::function<std::string(const std::string&)>& explain) {
  std::map<std::string, Entry> out;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: the iterator hands out a temporary
    if (!key.IsScalar()) {
      state_->Error(At(key, path), "a key must be a plain name");
      continue;
    }
    const std::string name = key.Scalar();
    const std::string full = path.empty() ? name : absl::StrCat(path, ".", name);
    const Origin at = At(key, full);
    if (!Contains(allowed, name)) {
      std::string message = absl::StrCat("unknown key `", name, "`");
      if (auto s = SuggestClosest(name, allowed)) {
        absl::StrAppend(&message, "; did you mean `", *s, "`?");
      } else {
        absl::StrAppend(&message, "; ", explain(name));
      }
      state_->Error(at, message);
      continue;
    }
    auto existing = out.find(name);
    if (existing != out.end()) {
      state_->Error(at, absl::StrCat("`", name, "` is given twice (first on line ",
                                     existing->second.key_origin.line, "); keep one"));
      continue;
    }
    out.emplace(name, Entry{at, it->second});
  }
  return out;
}

void Reader::Mapping(const YAML::Node& node, const std::string& prefix) {
  std::map<std::string, Origin> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: the iterator hands out a temporary
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      state_->Error(At(key, prefix), "a key must be a plain name");
      continue;
    }
    const std::string name = key.Scalar();
    const std::string full = prefix.empty() ? name : absl::StrCat(prefix, ".", name);
    const Origin at = At(key, full);
    auto [first, inserted] = seen.emplace(name, at);
    if (!inserted) {
      state_->Error(at, absl::StrCat("`", name, "` is given twice (first on line ",
                                     first->second.line, "); keep one"));
      continue;
    }
    if (prefix.empty() && name == "instances") {
      state_->NoteKey(full, at);
      Instances(value, at);
    } else if (IsSection(full)) {
      state_->NoteKey(full, at);
      if (value.IsMap()) {
        Mapping(value, full);
      } else if (!value.IsNull()) {
        std::string message = absl::StrCat("`", name, "` is a section: expected a mapping with ",
                                           Backticked(KeysUnder(full)), ", got ", Kind(value));
        if (full == "providers") {
          absl::StrAppend(&message, " (provider instances are listed under `instances`)");
        }
        state_->Error(ValueAt(value, at), message);
      }
    } else if (const Setting* setting = FindSettingByPath(full)) {
      state_->NoteKey(full, at);
      Setting_(*setting, value, at);
    } else {
      UnknownKey(name, prefix, at);
    }
  }
}

void Reader::Setting_(const Setting& setting, const YAML::Node& value, const Origin& key_origin) {
  const Origin at = ValueAt(value, key_origin);
  if (value.IsNull()) {
    if (setting.is_string) {
      state_->ApplySetting(setting, "", at);
    } else {
      state_->Error(at, absl::StrCat("has no value; expected ", setting.expected));
    }
    return;
  }
  if (!value.IsScalar()) {
    state_->Error(at, absl::StrCat("expected ", setting.expected, ", got ", Kind(value)));
    return;
  }
  state_->ApplySetting(setting, value.Scalar(), at);
}

void Reader::UnknownKey(const std::string& name, const std::string& prefix, const Origin& at) {
  const std::vector<std::string> here = KeysUnder(prefix);
  std::string message = absl::StrCat("unknown key `", name, "`");
  if (name == "<<") {
    absl::StrAppend(&message, "; YAML merge keys are not supported");
  } else if (auto s = SuggestClosest(name, here)) {
    absl::StrAppend(&message, "; did you mean `", *s, "`?");
  } else {
    std::vector<std::string> elsewhere = PathsEndingWith(name);
    if (!elsewhere.empty()) {
      absl::StrAppend(&message, "; did you mean `", elsewhere[0], "`? (`",
                      elsewhere[0].substr(elsewhere[0].rfind('.') + 1), "` belongs under `",
                      elsewhere[0].substr(0, elsewhere[0].rfind('.')), "`)");
    } else {
      absl::StrAppend(&message, "; expected one of ", Backticked(here));
    }
  }
  state_->Error(at, message);
}

std::optional<std::string> Reader::Text(const Entry& entry) {
  if (entry.value.IsNull()) return std::string();
  if (!entry.value.IsScalar()) {
    state_->Error(ValueAt(entry.value, entry.key_origin),
                  absl::StrCat("expected a string, got ", Kind(entry.value)));
    return std::nullopt;
  }
  return entry.value.Scalar();
}

void Reader::Instances(const YAML::Node& node, const Origin& key_origin) {
  if (node.IsNull()) return;  // reported as "no provider instances" by the validator
  if (!node.IsSequence()) {
    state_->set_instances_rejected();
    state_->Error(
        ValueAt(node, key_origin),
        absl::StrCat("expected a list of provider instances (`- name: ...`), got ", Kind(node)));
    return;
  }
  std::map<std::string, Origin> names;
  for (size_t i = 0; i < node.size(); ++i) Instance(node[i], i, &names);
}

void Reader::Instance(const YAML::Node& node, size_t index, std::map<std::string, Origin>* names) {
  const std::string path = absl::StrCat("instances[", index, "]");
  const Origin at = At(node, path);
  if (!node.IsMap()) {
    state_->Error(at, absl::StrCat("expected a provider instance (a mapping with `name`, `type` "
                                   "and `config`), got ",
                                   Kind(node)));
    return;
  }
  ProviderInstanceConfig instance;
  instance.line = at.line;
  std::map<std::string, Entry> pairs =
      Pairs(node, path, kInstanceKeys, [](const std::string& name) {
        if (Contains(kTykKeys, name) || Contains(kAwsKeys, name)) {
          return absl::StrCat("`", name, "` belongs under the instance's `config`");
        }
        return absl::StrCat("an instance takes ", Backticked(kInstanceKeys));
      });

  auto name_it = pairs.find("name");
  if (name_it == pairs.end()) {
    state_->Error(Origin{file_, at.line, at.column, path + ".name"},
                  "missing `name`; every instance needs a unique name");
  } else if (auto name = Text(name_it->second)) {
    if (name->empty()) {
      state_->Error(name_it->second.key_origin,
                    "`name` is empty; every instance needs a unique name");
    } else {
      auto [first, inserted] = names->emplace(*name, name_it->second.key_origin);
      if (!inserted) {
        state_->Error(ValueAt(name_it->second.value, name_it->second.key_origin),
                      absl::StrCat("instance name \"", *name, "\" is already used on line ",
                                   first->second.line, "; names must be unique"));
      }
      instance.name = *name;
    }
  }

  bool known_type = false;
  auto type_it = pairs.find("type");
  if (type_it == pairs.end()) {
    state_->Error(Origin{file_, at.line, at.column, path + ".type"},
                  "missing `type`; known types: aws, tyk");
  } else if (auto type = Text(type_it->second)) {
    const Origin type_at = ValueAt(type_it->second.value, type_it->second.key_origin);
    if (*type == "tyk" || *type == "aws") {
      known_type = true;
      instance.type = *type;
    } else {
      std::string message = type->empty() ? std::string("`type` is empty")
                                          : absl::StrCat("unknown provider type \"", *type, "\"");
      absl::StrAppend(&message, "; known types: aws, tyk");
      if (auto s = SuggestClosest(*type, kProviderTypes); s && !type->empty()) {
        absl::StrAppend(&message, " (did you mean ", *s, "?)");
      }
      state_->Error(type_at, message);
      instance.type = *type;
    }
  }

  auto config_it = pairs.find("config");
  const std::string config_path = path + ".config";
  if (config_it == pairs.end()) {
    if (known_type) {
      state_->Error(Origin{file_, at.line, at.column, config_path},
                    instance.type == "tyk"
                        ? "missing `config` with the Tyk Dashboard's `host` and `auth`"
                        : "missing `config` with `accessKeyId`, `accessKeySecret` and `region`");
    }
  } else if (!config_it->second.value.IsMap() && !config_it->second.value.IsNull()) {
    state_->Error(ValueAt(config_it->second.value, config_it->second.key_origin),
                  absl::StrCat("`config` must be a mapping of the provider's settings, got ",
                               Kind(config_it->second.value)));
    known_type = false;  // nothing more to check
  }

  if (known_type && config_it != pairs.end()) {
    const bool tyk = instance.type == "tyk";
    const YAML::Node& config = config_it->second.value;  // a mapping, or empty
    const Origin& config_at = config_it->second.key_origin;
    std::map<std::string, Entry> settings;
    if (config.IsMap()) {
      const std::vector<std::string>& mine = tyk ? kTykKeys : kAwsKeys;
      const std::vector<std::string>& other = tyk ? kAwsKeys : kTykKeys;
      const std::string type = instance.type;
      settings = Pairs(config, config_path, mine, [&](const std::string& name) {
        std::string why = Contains(other, name) ? absl::StrCat("`", name, "` is a setting of ",
                                                               tyk ? "aws" : "tyk", " providers; ")
                                                : "";
        return absl::StrCat(why, "a ", type, " provider takes ", Backticked(mine));
      });
    }
    auto text = [&](const std::string& key) -> std::optional<std::string> {
      auto it = settings.find(key);
      if (it == settings.end()) return std::nullopt;
      return Text(it->second);
    };
    auto where = [&](const std::string& key) {
      auto it = settings.find(key);
      if (it == settings.end()) {
        Origin o = config_at;
        o.key = absl::StrCat(config_path, ".", key);
        return o;
      }
      return ValueAt(it->second.value, it->second.key_origin);
    };
    // Required: reported as missing when absent, as empty when blank.
    auto required = [&](const std::string& key, const std::string& what) -> std::string {
      if (settings.find(key) == settings.end()) {
        state_->Error(where(key), absl::StrCat("missing `", key, "` (", what, ")"));
        return "";
      }
      std::optional<std::string> v = text(key);
      if (v && v->empty())
        state_->Error(where(key), absl::StrCat("`", key, "` is empty (", what, ")"));
      return v.value_or("");
    };
    if (tyk) {
      TykProviderConfig tc;
      tc.host = required("host", "the Tyk Dashboard URL, e.g. http://tyk-dashboard:3000");
      if (!tc.host.empty()) {
        std::string why = CheckHttpUrl(tc.host, "http://tyk-dashboard:3000");
        if (!why.empty()) state_->Error(where("host"), absl::StrCat("`host` ", why));
      }
      tc.auth = required("auth", "the Tyk Dashboard API key");
      instance.config = tc;
    } else {
      AwsProviderConfig ac;
      ac.access_key_id = required("accessKeyId", "the IAM access key id");
      ac.access_key_secret = required("accessKeySecret", "the IAM secret access key");
      ac.region = required("region", "e.g. us-east-1");
      if (!ac.region.empty()) {
        std::string why = CheckAwsRegion(ac.region);
        if (!why.empty()) state_->Error(where("region"), absl::StrCat("`region` ", why));
      }
      ac.session_token = text("sessionToken").value_or("");
      ac.endpoint = text("endpoint").value_or("");
      if (!ac.endpoint.empty()) {
        std::string why = CheckHttpUrl(ac.endpoint, "https://apigateway.example.internal");
        if (!why.empty()) state_->Error(where("endpoint"), absl::StrCat("`endpoint` ", why));
      }
      instance.config = ac;
    }
  }
  state_->config().instances.push_back(std::move(instance));
}

}  // namespace

bool ReadConfigText(const std::string& path, const std::string& text, LoadState* state) {
  Reader reader(path, state);
  return reader.Read(text);
}

bool ReadConfigFile(const std::string& path, LoadState* state) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    state->Error(Origin{path, 0, 0, ""}, "the config file does not exist");
    return false;
  }
  if (std::filesystem::is_directory(status)) {
    state->Error(Origin{path, 0, 0, ""}, "is a directory, not a config file");
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    state->Error(Origin{path, 0, 0, ""},
                 absl::StrCat("the config file cannot be read: ", std::strerror(errno)));
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    state->Error(Origin{path, 0, 0, ""},
                 absl::StrCat("the config file cannot be read: ", std::strerror(errno)));
    return false;
  }
  return ReadConfigText(path, buffer.str(), state);
}

}  // namespace gov::agent
