// StreamCore: the shared, lock-protected state of one server bidi stream - its write
// queue and whether it is finishing - owned jointly by the gRPC reactor and by hub code
// that sends on the stream. Once the reactor is done, the core is detached and sending
// becomes a no-op, so hub code may hold a core past the stream's life.
//
// gRPC allows one outstanding write per stream; Send queues and writes one at a time.
// Finish waits for queued writes to drain.
//
// Thread-safety: every method is safe from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <deque>
#include <mutex>

#include "src/hub/channels.h"
#include "src/hub/grpc_status.h"

namespace gov::hub {

template <typename Req, typename Resp, typename Channel>
class StreamCore : public Channel {
 public:
  using Reactor = grpc::ServerBidiReactor<Req, Resp>;
  explicit StreamCore(Reactor* reactor) : reactor_(reactor) {}

  bool Send(const Resp& msg) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (reactor_ == nullptr || finish_requested_) return false;
    queue_.push_back(msg);
    if (!writing_) {
      writing_ = true;
      reactor_->StartWrite(&queue_.front());
    }
    return true;
  }

  void Close(const absl::Status& status) override { Finish(ToGrpcStatus(status)); }

  void Finish(const grpc::Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    if (reactor_ == nullptr || finish_requested_) return;
    finish_requested_ = true;
    status_ = status;
    if (!writing_) reactor_->Finish(status_);
  }

  // Called from the reactor's OnWriteDone.
  void WriteDone(bool ok) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!queue_.empty()) queue_.pop_front();
    if (!ok) queue_.clear();
    if (!queue_.empty() && reactor_ != nullptr) {
      reactor_->StartWrite(&queue_.front());
      return;
    }
    writing_ = false;
    if (finish_requested_ && reactor_ != nullptr) reactor_->Finish(status_);
  }

  // Starts the next read unless the stream is finishing.
  void ResumeRead(Req* buffer) {
    std::lock_guard<std::mutex> lock(mu_);
    if (reactor_ != nullptr && !finish_requested_) reactor_->StartRead(buffer);
  }

  // Called from the reactor's OnDone, before the reactor is deleted.
  void Detach() {
    std::lock_guard<std::mutex> lock(mu_);
    reactor_ = nullptr;
    queue_.clear();
  }

 private:
  std::mutex mu_;
  Reactor* reactor_;
  std::deque<Resp> queue_;  // front is being written; deque keeps references stable
  bool writing_ = false;
  bool finish_requested_ = false;
  grpc::Status status_;
};

}  // namespace gov::hub
