#include "src/storage/sqlite/schema.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/common/logging.h"
#include "src/common/status_macros.h"

namespace gov::storage::sqlite {
namespace {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Times are INTEGER Unix milliseconds (NULL when absent); lists and maps are JSON text.
// Released steps are frozen: append, never edit.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "initial schema", R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  key_hash   TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE agents (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  description    TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  last_heartbeat INTEGER,
  version        TEXT NOT NULL,
  warnings       TEXT NOT NULL
);
CREATE INDEX agents_by_created ON agents (created_at, id);

CREATE TABLE agent_tokens (
  id         TEXT PRIMARY KEY,
  agent_id   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  issued_at  INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX agent_tokens_by_agent ON agent_tokens (agent_id);

CREATE TABLE providers (
  agent_id          TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  name              TEXT NOT NULL,
  type              TEXT NOT NULL,
  details           TEXT NOT NULL,
  connection_status TEXT NOT NULL,
  error             TEXT NOT NULL,
  last_sync_at      INTEGER,
  updated_at        INTEGER NOT NULL,
  PRIMARY KEY (agent_id, name)
);

CREATE TABLE syncs (
  id              TEXT PRIMARY KEY,
  agent_id        TEXT NOT NULL,
  sync_trigger    TEXT NOT NULL,
  state           TEXT NOT NULL,
  provider_filter TEXT NOT NULL,
  started_at      INTEGER NOT NULL,
  finished_at     INTEGER,
  error           TEXT NOT NULL
);
CREATE INDEX syncs_by_started ON syncs (started_at DESC, id);
CREATE INDEX syncs_by_agent_started ON syncs (agent_id, started_at DESC, id);

CREATE TABLE sync_providers (
  sync_id   TEXT NOT NULL REFERENCES syncs (id) ON DELETE CASCADE,
  name      TEXT NOT NULL,
  position  INTEGER NOT NULL,
  type      TEXT NOT NULL,
  state     TEXT NOT NULL,
  error     TEXT NOT NULL,
  seen      INTEGER NOT NULL,
  created   INTEGER NOT NULL,
  updated   INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  deleted   INTEGER NOT NULL,
  restored  INTEGER NOT NULL,
  failed    INTEGER NOT NULL,
  PRIMARY KEY (sync_id, name)
);

CREATE TABLE apis (
  id              TEXT PRIMARY KEY,
  agent_id        TEXT NOT NULL,
  provider        TEXT NOT NULL,
  provider_type   TEXT NOT NULL,
  external_id     TEXT NOT NULL,
  name            TEXT NOT NULL,
  description     TEXT NOT NULL,
  versions        TEXT NOT NULL,
  listen_path     TEXT NOT NULL,
  upstream_url    TEXT NOT NULL,
  protocol        TEXT NOT NULL,
  auth_mechanisms TEXT NOT NULL,
  active          INTEGER NOT NULL,
  internal        INTEGER NOT NULL,
  oas_document    TEXT NOT NULL,
  definition      TEXT NOT NULL,
  extra           TEXT NOT NULL,
  content_hash    TEXT NOT NULL,
  status          TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  deleted_at      INTEGER,
  last_sync_id    TEXT NOT NULL,
  UNIQUE (agent_id, provider, external_id)
);
CREATE INDEX apis_by_created ON apis (created_at, id);
CREATE INDEX apis_by_status ON apis (status, created_at, id);
CREATE INDEX apis_by_provider ON apis (provider, created_at, id);
CREATE INDEX apis_by_agent ON apis (agent_id, created_at, id);

CREATE TABLE api_events (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  api_id         TEXT NOT NULL REFERENCES apis (id),
  type           TEXT NOT NULL,
  at             INTEGER NOT NULL,
  sync_id        TEXT NOT NULL,
  changed_fields TEXT NOT NULL
);
CREATE INDEX api_events_by_api ON api_events (api_id, id);
)sql"},
      {2, "sync schedules and the mass-deletion guard", R"sql(
ALTER TABLE sync_providers ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_providers ADD COLUMN held_state TEXT NOT NULL DEFAULT 'NONE';
ALTER TABLE sync_providers ADD COLUMN held_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_providers ADD COLUMN held_resolved_at INTEGER;
CREATE INDEX sync_providers_by_held_state ON sync_providers (held_state, name);

CREATE TABLE held_deletions (
  sync_id  TEXT NOT NULL REFERENCES syncs (id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  api_id   TEXT NOT NULL REFERENCES apis (id),
  PRIMARY KEY (sync_id, provider, api_id)
);

CREATE TABLE sync_jobs (
  id              TEXT PRIMARY KEY,
  agent_id        TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  provider        TEXT NOT NULL,
  repeat_every_ms INTEGER NOT NULL,
  start_from      INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  next_run_at     INTEGER NOT NULL
);
CREATE INDEX sync_jobs_by_agent ON sync_jobs (agent_id, created_at, id);
CREATE INDEX sync_jobs_by_next_run ON sync_jobs (next_run_at, id);

CREATE TABLE sync_job_runs (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id   TEXT NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
  due_at   INTEGER NOT NULL,
  ran_at   INTEGER NOT NULL,
  outcome  TEXT NOT NULL,
  sync_id  TEXT NOT NULL,
  error    TEXT NOT NULL,
  skipped  INTEGER NOT NULL
);
CREATE INDEX sync_job_runs_by_job ON sync_job_runs (job_id, id);
)sql"},
      {3, "triggers coalesced into a running sync", R"sql(
CREATE TABLE sync_coalesced (
  sync_id      TEXT NOT NULL REFERENCES syncs (id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  sync_trigger TEXT NOT NULL,
  at           INTEGER NOT NULL,
  source       TEXT NOT NULL,
  PRIMARY KEY (sync_id, position)
);
)sql"},
  };
  return kMigrations;
}

absl::StatusOr<int> CurrentVersion(SqliteDb& db) {
  GOV_ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare("read schema version", "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  GOV_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

// Runs `fn` between BEGIN IMMEDIATE and COMMIT, rolling back when it fails.
template <typename Fn>
absl::Status InTransaction(SqliteDb& db, Fn fn) {
  GOV_RETURN_IF_ERROR(db.Exec("begin migration", "BEGIN IMMEDIATE"));
  absl::Status s = fn();
  if (s.ok()) s = db.Exec("commit migration", "COMMIT");
  if (!s.ok()) (void)db.Exec("roll back migration", "ROLLBACK");
  return s;
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

namespace {

// Applies `m` unless the database already has it; sets `applied` when it ran.
absl::Status ApplyStep(SqliteDb& db, const Migration& m, absl::Time now, bool& applied) {
  // Read inside the write transaction so that two processes migrating the same file
  // cannot both apply a step.
  GOV_ASSIGN_OR_RETURN(int current, CurrentVersion(db));
  if (current > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(
        absl::StrCat("SQLite database \"", db.path(), "\" has schema version ", current,
                     ", newer than the newest this binary knows (", LatestSchemaVersion(),
                     "); it was written by a newer governance-hub: upgrade the binary"));
  }
  if (current >= m.version) return absl::OkStatus();
  const std::string purpose =
      absl::StrCat("schema migration ", m.version, " (", m.description, ")");
  GOV_RETURN_IF_ERROR(db.Exec(purpose, m.sql));
  GOV_ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(purpose, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"));
  GOV_RETURN_IF_ERROR(st.Bind(1, m.version).Bind(2, now).Run());
  applied = true;
  return absl::OkStatus();
}

}  // namespace

absl::Status MigrateSchema(SqliteDb& db, absl::Time now) {
  GOV_RETURN_IF_ERROR(InTransaction(db, [&db] {
    return db.Exec("create schema_migrations",
                   "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  }));
  for (const Migration& m : Migrations()) {
    bool applied = false;
    GOV_RETURN_IF_ERROR(InTransaction(db, [&] { return ApplyStep(db, m, now, applied); }));
    if (applied) {
      GetLogger("storage.sqlite")
          ->info("applied schema migration {} ({}) to {}", m.version, m.description, db.path());
    }
  }
  return absl::OkStatus();
}

}  // namespace gov::storage::sqlite
