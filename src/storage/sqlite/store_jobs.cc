// SqliteStore: hub-side sync schedules (sync_jobs) and their runs (sync_job_runs).
#include "absl/strings/str_cat.h"
#include "src/storage/sqlite/codec.h"
#include "src/storage/sqlite/query.h"
#include "src/storage/sqlite/sqlite_store.h"

namespace gov::storage::sqlite {
namespace {

constexpr char kJobColumns[] =
    "id, agent_id, provider, repeat_every_ms, start_from, created_at, next_run_at";

absl::StatusOr<SyncJob> ReadJob(const Statement& st) {
  SyncJob j;
  j.id = st.Text(0);
  j.agent_id = st.Text(1);
  j.provider = st.Text(2);
  j.repeat_every = absl::Milliseconds(st.Int(3));
  j.start_from = st.Time(4);
  j.created_at = st.Time(5);
  j.next_run_at = st.Time(6);
  return j;
}

constexpr char kRunColumns[] = "id, job_id, due_at, ran_at, outcome, sync_id, error, skipped";

absl::StatusOr<SyncJobRun> ReadRun(const Statement& st) {
  SyncJobRun r;
  r.id = st.Int(0);
  r.job_id = st.Text(1);
  r.due_at = st.Time(2);
  r.ran_at = st.Time(3);
  GOV_ASSIGN_OR_RETURN(r.outcome, DecodeEnum<JobRunOutcome>(st.Text(4), "sync_job_runs.outcome",
                                                            ParseJobRunOutcome));
  r.sync_id = st.Text(5);
  r.error = st.Text(6);
  r.skipped = st.Int(7);
  return r;
}

}  // namespace

absl::Status SqliteStore::InsertSyncJob(const SyncJob& j) {
  return Execute(db_, "insert sync job",
                 absl::StrCat("INSERT INTO sync_jobs (", kJobColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?)"),
                 j.id, j.agent_id, j.provider, absl::ToInt64Milliseconds(j.repeat_every),
                 j.start_from, j.created_at, j.next_run_at);
}

absl::StatusOr<std::optional<SyncJob>> SqliteStore::GetSyncJob(const std::string& id) {
  return QueryOne<SyncJob>(db_, "read sync job",
                           absl::StrCat("SELECT ", kJobColumns, " FROM sync_jobs WHERE id = ?"),
                           ReadJob, id);
}

absl::StatusOr<std::vector<SyncJob>> SqliteStore::ListSyncJobs(const std::string& agent_id) {
  return QueryAll<SyncJob>(db_, "list sync jobs",
                           absl::StrCat("SELECT ", kJobColumns,
                                        " FROM sync_jobs WHERE agent_id = ? ORDER BY created_at, id"),
                           ReadJob, agent_id);
}

absl::StatusOr<std::vector<SyncJob>> SqliteStore::ListDueSyncJobs(absl::Time now) {
  return QueryAll<SyncJob>(
      db_, "list due sync jobs",
      absl::StrCat("SELECT ", kJobColumns,
                   " FROM sync_jobs WHERE next_run_at <= ? ORDER BY next_run_at, id"),
      ReadJob, now);
}

absl::StatusOr<bool> SqliteStore::UpdateSyncJobNextRun(const std::string& id,
                                                       absl::Time next_run_at) {
  GOV_ASSIGN_OR_RETURN(int64_t changed,
                       ExecuteCount(db_, "update sync job",
                                    "UPDATE sync_jobs SET next_run_at = ? WHERE id = ?",
                                    next_run_at, id));
  return changed > 0;
}

absl::StatusOr<bool> SqliteStore::DeleteSyncJob(const std::string& id) {
  GOV_RETURN_IF_ERROR(
      Execute(db_, "delete sync job runs", "DELETE FROM sync_job_runs WHERE job_id = ?", id));
  GOV_ASSIGN_OR_RETURN(int64_t deleted,
                       ExecuteCount(db_, "delete sync job", "DELETE FROM sync_jobs WHERE id = ?", id));
  return deleted > 0;
}

absl::Status SqliteStore::InsertSyncJobRun(const SyncJobRun& r) {
  return Execute(db_, "insert sync job run",
                 "INSERT INTO sync_job_runs (job_id, due_at, ran_at, outcome, sync_id, error, "
                 "skipped) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 r.job_id, r.due_at, r.ran_at, ToString(r.outcome), r.sync_id, r.error, r.skipped);
}

absl::StatusOr<Page<SyncJobRun>> SqliteStore::ListSyncJobRuns(const std::string& job_id, int page,
                                                              int page_size) {
  GOV_RETURN_IF_ERROR(CheckPage(page, page_size));
  Page<SyncJobRun> out;
  GOV_ASSIGN_OR_RETURN(out.total, QueryInt(db_, "count sync job runs",
                                           "SELECT COUNT(*) FROM sync_job_runs WHERE job_id = ?",
                                           job_id));
  GOV_ASSIGN_OR_RETURN(
      out.items,
      QueryAll<SyncJobRun>(db_, "list sync job runs",
                           absl::StrCat("SELECT ", kRunColumns,
                                        " FROM sync_job_runs WHERE job_id = ? "
                                        "ORDER BY id DESC LIMIT ? OFFSET ?"),
                           ReadRun, job_id, static_cast<int64_t>(page_size),
                           PageOffset(page, page_size)));
  return out;
}

}  // namespace gov::storage::sqlite
