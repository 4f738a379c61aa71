// Where zfcli was built from, for `zfcli --version`, the server's health
// answer and its zf_build_info metric. Written at build time by
// cli/build_info.cmake: the abbreviated commit, "-dirty" when tracked files
// had local changes, $ZF_COMMIT when set, else "unknown".
#pragma once

namespace zfcli {

extern const char* const kBuildCommit;

}  // namespace zfcli
