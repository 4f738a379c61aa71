// Raw RocksDB access to a zf store for tamper tests: the database opened
// with plain RocksDB and every column family, as an attacker with disk
// access (or `ldb`) would. Catch2 REQUIREs each operation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>

namespace zf::testing {

class RawDb {
 public:
  // read_only: opened with RocksDB's OpenForReadOnly, which writes nothing.
  explicit RawDb(const std::string& path, bool read_only = false) {
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    REQUIRE((read_only ? rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, families,
                                                      &handles, &raw)
                       : rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &raw))
                .ok());
    db_.reset(raw);
    for (std::size_t i = 0; i < names.size(); ++i) handles_[names[i]] = handles[i];
  }
  ~RawDb() {
    for (auto& [name, h] : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
  }
  std::string Get(const std::string& family, const std::string& key) {
    std::string value;
    REQUIRE(db_->Get(rocksdb::ReadOptions(), handles_.at(family), key, &value).ok());
    return value;
  }
  void Put(const std::string& family, const std::string& key, const std::string& value) {
    REQUIRE(db_->Put(rocksdb::WriteOptions(), handles_.at(family), key, value).ok());
  }
  void Delete(const std::string& family, const std::string& key) {
    REQUIRE(db_->Delete(rocksdb::WriteOptions(), handles_.at(family), key).ok());
  }
  // The table files of `family`: their index blocks' bytes and their data
  // blocks, summed.
  std::pair<std::uint64_t, std::uint64_t> IndexBytesAndDataBlocks(const std::string& family) {
    rocksdb::TablePropertiesCollection tables;
    REQUIRE(db_->GetPropertiesOfAllTables(handles_.at(family), &tables).ok());
    std::pair<std::uint64_t, std::uint64_t> sum{0, 0};
    for (const auto& [file, properties] : tables) {
      sum.first += properties->index_size;
      sum.second += properties->num_data_blocks;
    }
    return sum;
  }
  // Every key and value of every column family.
  std::map<std::string, std::map<std::string, std::string>> Dump() {
    std::map<std::string, std::map<std::string, std::string>> dump;
    for (auto& [name, h] : handles_) {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), h));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        dump[name][it->key().ToString()] = it->value().ToString();
      }
      REQUIRE(it->status().ok());
    }
    return dump;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace zf::testing
