#include "zap_handler.h"

#include <array>
#include <vector>

#include <zmq_addon.hpp>

#include "dispo/schemas/curve_keys.h"
#include "model/logger.h"

namespace dispo::broker {

ZapHandler::ZapHandler(zmq::context_t& context, const Principals& principals)
    : socket_(context, zmq::socket_type::rep), principals_(&principals) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind("inproc://zeromq.zap.01");
}

void ZapHandler::answer_waiting() {
  while (true) {
    std::vector<zmq::message_t> request;
    if (!zmq::recv_multipart(socket_, std::back_inserter(request), zmq::recv_flags::dontwait)) return;
    // [version, request id, domain, address, identity, mechanism, credentials...]
    std::string status = "400";
    std::string reason = "malformed ZAP request";
    std::string user_id;
    if (request.size() >= 7 && request[0].to_string_view() == "1.0" &&
        request[5].to_string_view() == "CURVE" && request[6].size() == 32) {
      const std::string key = wire::z85_of_binary_key(request[6].data());
      const wire::PrincipalT* principal = principals_->by_key(key);
      if (principal == nullptr) {
        reason = "unknown key";
      } else if (principal->revoked) {
        reason = "revoked key of " + principal->name;
      } else {
        status = "200";
        reason = "OK";
        user_id = key;
      }
      if (status != "200") {
        logger()->warn("refused connection from {}: {} {}", request[3].to_string_view(), reason,
                       key.substr(0, 8) + "…");
      }
    } else if (request.size() >= 6) {
      reason = "mechanism " + request[5].to_string() + " not accepted";
      logger()->warn("refused connection from {}: {}", request[3].to_string_view(), reason);
    }
    const std::string_view request_id = request.size() > 1 ? request[1].to_string_view() : "";
    std::array<zmq::const_buffer, 6> reply = {zmq::str_buffer("1.0"), zmq::buffer(request_id),
                                              zmq::buffer(status),      zmq::buffer(reason),
                                              zmq::buffer(user_id),     zmq::const_buffer()};
    zmq::send_multipart(socket_, reply);
  }
}

}  // namespace dispo::broker
