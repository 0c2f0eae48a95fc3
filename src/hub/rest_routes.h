// The REST route groups kept apart from rest_api.cc, each registering its handlers on the
// table RestApi dispatches from.
//
// Thread-safety: called once while RestApi binds, before serving.
#pragma once

#include "src/hub/rest_api.h"
#include "src/hub/rest_util.h"

namespace gov::hub::rest {

// Hub-side schedules: POST/GET /api/agents/{id}/sync-jobs, GET/DELETE
// /api/agents/{id}/sync-jobs/{job_id}, GET /api/agents/{id}/sync-jobs/{job_id}/runs.
void AddScheduleRoutes(RouteTable& table, const RestDeps& deps);

// The mass-deletion guard: GET /api/syncs/{id}/held-deletions and
// POST /api/syncs/{id}/held-deletions/apply {provider?}.
void AddHeldDeletionRoutes(RouteTable& table, const RestDeps& deps);

}  // namespace gov::hub::rest
