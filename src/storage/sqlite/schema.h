// The SQLite schema as numbered migrations, and the routine that applies them.
//
// Rule: a released migration is never edited; a schema change is a new step appended
// to the list in schema.cc with the next version number. Each step runs in its own
// transaction together with its row in `schema_migrations` (version, applied_at).
//
// Thread-safety: MigrateSchema needs exclusive use of the connection (the caller's lock).
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/storage/sqlite/sqlite_db.h"

namespace gov::storage::sqlite {

// The newest schema version this binary knows.
int LatestSchemaVersion();

// Applies every migration newer than the database's version; a no-op when up to date.
// Fails with FailedPrecondition, changing nothing, when the database was migrated by a
// newer binary (its version is above LatestSchemaVersion()).
absl::Status MigrateSchema(SqliteDb& db, absl::Time now);

}  // namespace gov::storage::sqlite
