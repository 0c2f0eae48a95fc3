// Small absl::Status helpers: Debian 12's abseil ships no status macros.
//
// GOV_RETURN_IF_ERROR(expr): returns the status of `expr` when it is not OK.
// GOV_ASSIGN_OR_RETURN(lhs, expr): evaluates a StatusOr, returns its status on error,
// otherwise moves the value into `lhs` (which may be a declaration).
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define GOV_STATUS_CONCAT_INNER(a, b) a##b
#define GOV_STATUS_CONCAT(a, b) GOV_STATUS_CONCAT_INNER(a, b)

#define GOV_RETURN_IF_ERROR(expr) \
  GOV_RETURN_IF_ERROR_IMPL(GOV_STATUS_CONCAT(gov_status_, __COUNTER__), expr)
#define GOV_RETURN_IF_ERROR_IMPL(var, expr) \
  do {                                      \
    ::absl::Status var = (expr);            \
    if (!var.ok()) return var;              \
  } while (0)

#define GOV_ASSIGN_OR_RETURN(lhs, expr) \
  GOV_ASSIGN_OR_RETURN_IMPL(GOV_STATUS_CONCAT(gov_statusor_, __COUNTER__), lhs, expr)

#define GOV_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).status();  \
  lhs = std::move(tmp).value()
