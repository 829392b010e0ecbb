// dispo-broker init: the broker's and the first admin's key pairs, and the admin principal;
// dispo-broker sequence: the last sequence of a stopped data directory.
#include "dispo/broker/broker.h"
#include "dispo/schemas/curve_keys.h"
#include "writes/principal_changes.h"
#include "storage/store.h"

namespace dispo::broker {

Result<InitReport> initialise_security(const std::filesystem::path& data_dir,
                                       const std::filesystem::path& keys_dir,
                                       const std::string& admin_name) {
  InitReport report{keys_dir / "broker.key", keys_dir / "broker.pub", keys_dir / (admin_name + ".key")};
  const std::filesystem::path admin_public = keys_dir / (admin_name + ".pub");
  for (const auto& path : {report.broker_key, report.broker_public, report.admin_key, admin_public}) {
    if (std::filesystem::exists(path)) {
      return make_error(wire::Status::invalid, path.string() + " existe déjà : rien n'a été écrasé");
    }
  }
  const wire::CurveKeyPair broker_keys = wire::generate_key_pair();
  const wire::CurveKeyPair admin_keys = wire::generate_key_pair();
  if (broker_keys.empty() || admin_keys.empty()) {
    return make_error(wire::Status::invalid, "cette libzmq ne sait pas générer de clés CURVE");
  }

  wire::PrincipalT admin;
  admin.name = admin_name;
  admin.public_key = admin_keys.public_key;
  admin.role = wire::Role::admin;
  if (auto valid = check_principal(admin); !valid) return valid.error();

  auto store = Store::open(data_dir);
  if (!store) {
    return make_error(wire::Status::storage_error,
                      "impossible d'ouvrir " + data_dir.string() + " (le broker tourne-t-il encore ?) : " +
                          store.error().message);
  }
  BrokerState state;
  if (auto loaded = load_bookkeeping(**store, state); !loaded) return loaded.error();

  PendingCommit pending((*store)->batch());
  RequestContext context;
  context.client_id = "dispo-broker-init";
  context.now_ms = wire::now_ms();
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(wire::CreatePrincipalGrant(builder, wire::Principal::Pack(builder, &admin)));
  auto granted = grant_principal(state, pending, *flatbuffers::GetRoot<wire::PrincipalGrant>(builder.GetBufferPointer()),
                                 context);
  if (!granted) return granted.error();

  for (const auto& [path, keys, owner] :
       {std::tuple{report.broker_key, broker_keys, std::string("dispo-broker")},
        std::tuple{report.broker_public, wire::CurveKeyPair{broker_keys.public_key, {}}, std::string("dispo-broker")},
        std::tuple{report.admin_key, admin_keys, admin_name},
        std::tuple{admin_public, wire::CurveKeyPair{admin_keys.public_key, {}}, admin_name}}) {
    if (auto written = wire::write_key_file(path, keys, owner); !written) return written.error();
  }
  pending.seal(state);
  if (auto committed = (*store)->commit(pending.batch); !committed) return committed.error();
  return report;
}

}  // namespace dispo::broker
