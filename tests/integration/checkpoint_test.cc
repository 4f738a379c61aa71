// Signed ledger checkpoints and anchors (zf/checkpoint.h, docs/audit.md §6):
// SM2 signing and verification, the JSON line's round trip, checkpoints
// written at the configured interval by both stores, and VerifyChain's
// comparison with anchors (a rollback, a rewrite, a forged signature).
// The two attacks of issue 14 on an engine-written store are in
// audit_test.cc.
#include <filesystem>
#include <sstream>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "crypto/sm2.h"
#include "support/test_support.h"
#include "zf/checkpoint.h"
#include "zf/event_json.h"

using namespace zf;
using zf::testing::FakeClock;
using zf::testing::MakeRequest;
using zf::testing::TempDir;

namespace {

std::string Key(std::string_view name) {
  return std::string(ZF_SOURCE_DIR) + "/examples/shaxian/keys/" + std::string(name);
}

std::shared_ptr<const CheckpointSigner> TestSigner() {
  auto signer = CheckpointSigner::FromPemFile(Key("checkpoint-test.pem"));
  REQUIRE(signer.ok());
  return *signer;
}

std::vector<std::uint64_t> Positions(const EventStore& store) {
  auto checkpoints = ReadCheckpoints(store);
  REQUIRE(checkpoints.ok());
  std::vector<std::uint64_t> positions;
  for (const Checkpoint& c : *checkpoints) positions.push_back(c.position);
  return positions;
}

std::unique_ptr<EventStore> Open(const std::string& kind, const TempDir& dir,
                                 std::uint64_t every, std::shared_ptr<Clock> clock = nullptr) {
  StoreOptions options;
  options.clock = std::move(clock);
  options.checkpoint_signer = TestSigner();
  options.checkpoint_every = every;
  auto store = kind == "memory" ? NewMemoryEventStore(options)
                                : OpenRocksDbEventStore(options, dir.Sub("db"));
  REQUIRE(store.ok());
  return std::move(*store);
}

void AppendOne(EventStore& store, int n) {
  REQUIRE(store.Append(MakeRequest("sample/s", "c-" + std::to_string(n))).ok());
}

std::vector<ChainFinding> Verify(const EventStore& store, std::vector<LedgerAnchor> anchors,
                                 VerifyOptions options = {}) {
  options.anchors = std::move(anchors);
  auto report = store.VerifyChain(options);
  REQUIRE(report.ok());
  return report->findings;
}

LedgerAnchor AnchorOf(const Checkpoint& c) {
  return LedgerAnchor{c.position, c.ledger_hash, c.time, c.key_id, "test", ""};
}

}  // namespace

TEST_CASE("sm2: a signature verifies with its key only, and not after a bit flip",
          "[checkpoint]") {
  auto key = internal::LoadSm2PrivateKeyPem(Key("checkpoint-test.pem"));
  REQUIRE(key.ok());
  auto other = internal::LoadSm2PrivateKeyPem(Key("other-test.pem"));
  REQUIRE(other.ok());
  auto signature = internal::Sm2Sign(*key, "zf");
  REQUIRE(signature.ok());
  CHECK(internal::Sm2Verify(*key, "zf", *signature));
  CHECK_FALSE(internal::Sm2Verify(*key, "zF", *signature));
  CHECK_FALSE(internal::Sm2Verify(*other, "zf", *signature));
  std::string flipped = *signature;
  flipped[flipped.size() / 2] ^= 0x01;
  CHECK_FALSE(internal::Sm2Verify(*key, "zf", flipped));
  // The public key file gives the same key (and id) as the private one.
  auto pub = internal::LoadSm2PublicKeyPem(Key("checkpoint-test.pub.pem"));
  REQUIRE(pub.ok());
  CHECK(pub->Fingerprint() == key->Fingerprint());
  CHECK(internal::Sm2Verify(*pub, "zf", *signature));
  CHECK_FALSE(pub->has_private());
  CHECK(internal::Sm2Sign(*pub, "zf").status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("sm2: a missing file or a key that is not SM2 is named", "[checkpoint]") {
  auto missing = internal::LoadSm2PrivateKeyPem("/nonexistent/key.pem");
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(std::string(missing.status().message()).find("/nonexistent/key.pem") !=
        std::string::npos);
  auto not_a_key = internal::LoadSm2PrivateKeyPem(Key("README.md"));
  CHECK(not_a_key.status().code() == StatusCode::kInvalidArgument);
  CHECK(std::string(not_a_key.status().message()).find("README.md") != std::string::npos);
}

TEST_CASE("checkpoint: the JSON line round-trips and carries what verifies it", "[checkpoint]") {
  auto signer = TestSigner();
  auto c = signer->Sign(LedgerHead{42, std::string(64, 'a')}, "2026-12-05T10:00:00.000000Z");
  REQUIRE(c.ok());
  CHECK(c->key_id == signer->key_id());
  CHECK(CheckpointSigningText(*c) ==
        "zf-checkpoint-v1\n42\n" + std::string(64, 'a') + "\n2026-12-05T10:00:00.000000Z\n" +
            c->key_id + "\n");
  const std::string line = boost::json::serialize(CheckpointToJson(*c));
  auto json = ParseJson(line);
  REQUIRE(json.ok());
  auto back = CheckpointFromJson(*json);
  REQUIRE(back.ok());
  CHECK(boost::json::serialize(CheckpointToJson(*back)) == line);
  CHECK(CheckCheckpointSelf(*back).empty());
  auto trusted = CheckpointKey::FromPemFile(Key("checkpoint-test.pub.pem"));
  REQUIRE(trusted.ok());
  CHECK(trusted->Check(*back).empty());

  SECTION("a changed field breaks the signature") {
    Checkpoint forged = *back;
    forged.position = 43;
    CHECK_FALSE(CheckCheckpointSelf(forged).empty());
    CHECK_FALSE(trusted->Check(forged).empty());
  }
  SECTION("a checkpoint signed by another key is refused by the pinned key") {
    auto other = CheckpointSigner::FromPemFile(Key("other-test.pem"));
    REQUIRE(other.ok());
    auto theirs = (*other)->Sign(LedgerHead{42, std::string(64, 'a')}, "t");
    REQUIRE(theirs.ok());
    CHECK(CheckCheckpointSelf(*theirs).empty());  // intact, but not ours
    CHECK(trusted->Check(*theirs).find("另一密钥") != std::string::npos);
    CHECK(trusted->Check(*theirs, Language::kEn).find("signed by another key") !=
          std::string::npos);
  }
  SECTION("a missing field is named") {
    auto o = json->as_object();
    o.erase("signature");
    auto bad = CheckpointFromJson(o);
    CHECK(bad.status().code() == StatusCode::kInvalidArgument);
    CHECK(bad.status().subject() == "signature");
  }
}

TEST_CASE("checkpoint: written every N events, from the last one kept", "[checkpoint]") {
  for (const std::string kind : {"memory", "rocksdb"}) {
    INFO(kind);
    TempDir dir;
    {
      auto store = Open(kind, dir, 3);
      for (int n = 1; n <= 10; ++n) AppendOne(*store, n);
      CHECK(Positions(*store) == std::vector<std::uint64_t>{3, 6, 9});
      // A commit of several events that passes the interval: one, at its end.
      REQUIRE(store->Append(MakeRequest("sample/t", "group", 5)).ok());
      CHECK(Positions(*store) == std::vector<std::uint64_t>{3, 6, 9, 15});
      auto kept = ReadCheckpoints(*store);
      REQUIRE(kept.ok());
      CHECK(kept->back().ledger_hash == store->Ledger().ledger_hash);
      CHECK(CheckCheckpointSelf(kept->back()).empty());
      // Every checkpoint agrees with the log.
      std::vector<LedgerAnchor> anchors;
      for (const Checkpoint& c : *kept) anchors.push_back(AnchorOf(c));
      CHECK(Verify(*store, anchors).empty());
      if (kind == "memory") continue;
    }
    // Reopened, the interval counts from the last checkpoint kept (15).
    auto store = Open(kind, dir, 3);
    AppendOne(*store, 16);
    AppendOne(*store, 17);
    CHECK(Positions(*store).back() == 15);
    AppendOne(*store, 18);
    CHECK(Positions(*store).back() == 18);
  }
}

TEST_CASE("checkpoint: none without a key, or with an interval of 0", "[checkpoint]") {
  TempDir dir;
  auto store = testing::OpenStore("rocksdb", dir);
  for (int n = 1; n <= 5; ++n) AppendOne(*store, n);
  CHECK(Positions(*store).empty());
  auto manual = Open("memory", dir, 0);
  for (int n = 1; n <= 5; ++n) AppendOne(*manual, n);
  CHECK(Positions(*manual).empty());
  auto c = WriteCheckpointAtHead(*manual, *TestSigner(), *SystemClock());
  REQUIRE(c.ok());
  CHECK(Positions(*manual) == std::vector<std::uint64_t>{5});
}

TEST_CASE("anchors: a rollback, a rewrite and a forged signature are named", "[checkpoint]") {
  auto clock = std::make_shared<FakeClock>();
  TempDir dir;
  auto store = Open("memory", dir, 4, clock);
  for (int n = 1; n <= 8; ++n) AppendOne(*store, n);
  auto kept = ReadCheckpoints(*store);
  REQUIRE(kept.ok());
  REQUIRE(kept->size() == 2);
  const LedgerAnchor at4 = AnchorOf((*kept)[0]), at8 = AnchorOf((*kept)[1]);
  CHECK(Verify(*store, {at4, at8}).empty());

  SECTION("an anchor past the end is a rollback") {
    LedgerAnchor later = at8;
    later.position = 12;
    auto findings = Verify(*store, {at4, later});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].kind == ChainFinding::Kind::kAnchorBeyondHead);
    CHECK(findings[0].position == 12);
    CHECK(findings[0].detail_zh.find("位置 12") != std::string::npos);
    CHECK(findings[0].detail_zh.find("回滚") != std::string::npos);
    // The same in English, for store verify and the audit in --lang en.
    CHECK(findings[0].detail.find("position 12") != std::string::npos);
    CHECK(findings[0].detail.find("rolled back") != std::string::npos);
    // Only when the range runs to the end of the log.
    VerifyOptions part;
    part.to_position = 6;
    CHECK(Verify(*store, {later}, part).empty());
  }
  SECTION("another ledger hash at the position is a rewrite, named with the anchor") {
    LedgerAnchor other = at4;
    other.ledger_hash = std::string(64, '0');
    auto findings = Verify(*store, {at8, other});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].kind == ChainFinding::Kind::kAnchorMismatch);
    CHECK(findings[0].position == 4);
    CHECK(findings[0].detail.find(at4.ledger_hash) != std::string::npos);  // found
    CHECK(findings[0].detail.find(at4.time) != std::string::npos);
    CHECK(ChainFindingKindName(findings[0].kind) == "anchor_mismatch");
  }
  SECTION("a bad signature is reported and the anchor not compared") {
    LedgerAnchor forged = at4;
    forged.ledger_hash = std::string(64, '0');
    forged.signature_problem = "签名验证失败";
    auto findings = Verify(*store, {forged});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].kind == ChainFinding::Kind::kAnchorSignature);
    CHECK(ChainFindingKindName(findings[0].kind) == "anchor_signature_invalid");
  }
  SECTION("anchors read from an export, with a flipped signature bit") {
    std::ostringstream file;
    for (const Checkpoint& c : *kept) file << boost::json::serialize(CheckpointToJson(c)) << '\n';
    std::string text = file.str();
    std::istringstream intact(text);
    auto anchors = ReadAnchors(intact, "cp.jsonl", nullptr);
    REQUIRE(anchors.ok());
    REQUIRE(anchors->size() == 2);
    CHECK((*anchors)[1].source == "cp.jsonl:2");
    CHECK(Verify(*store, *anchors).empty());
    const auto sig = text.find("\"signature\":\"") + 20;
    text[sig] = text[sig] == '0' ? '1' : '0';
    std::istringstream flipped(text);
    anchors = ReadAnchors(flipped, "cp.jsonl", nullptr);
    REQUIRE(anchors.ok());
    auto findings = Verify(*store, *anchors);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].kind == ChainFinding::Kind::kAnchorSignature);
    CHECK(findings[0].detail.find("cp.jsonl:1") != std::string::npos);
    // The reason, in each language.
    CHECK(findings[0].detail.find("the signature does not verify (the checkpoint or its "
                                  "signature was changed)") != std::string::npos);
    CHECK(findings[0].detail_zh.find("签名验证失败") != std::string::npos);
    std::istringstream garbage("{\"format\":\"zf.checkpoint.v1\"}\n");
    CHECK(ReadAnchors(garbage, "g", nullptr).status().code() == StatusCode::kInvalidArgument);
  }
  SECTION("POS:HASH") {
    auto a = ParseAnchorArgument("8:" + at8.ledger_hash);
    REQUIRE(a.ok());
    CHECK(Verify(*store, {*a}).empty());
    CHECK_FALSE(ParseAnchorArgument("8:" + at8.ledger_hash.substr(1)).ok());
    CHECK_FALSE(ParseAnchorArgument("x:" + at8.ledger_hash).ok());
    CHECK_FALSE(ParseAnchorArgument("8").ok());
  }
}
