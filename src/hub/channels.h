// Channels: how hub logic talks back to an agent's open stream without knowing gRPC.
// The gRPC reactors implement them; tests implement them with recorders.
//
// Thread-safety: Send and Close may be called from any thread, also after the stream
// has gone (they then do nothing and Send returns false).
#pragma once

#include "absl/status/status.h"
#include "governance/v1/agent.pb.h"

namespace gov::hub {

class SyncChannel {
 public:
  virtual ~SyncChannel() = default;
  virtual bool Send(const governance::v1::SyncDownstream& msg) = 0;
  // Ends the stream with `status` (OK, or e.g. UNAUTHENTICATED "token revoked").
  virtual void Close(const absl::Status& status) = 0;
};

class HealthChannel {
 public:
  virtual ~HealthChannel() = default;
  virtual bool Send(const governance::v1::HealthDownstream& msg) = 0;
  virtual void Close(const absl::Status& status) = 0;
};

}  // namespace gov::hub
