"""A store imported once per zfcli binary and set of input files, copied into
each test that starts from it. Most end-to-end tests begin from the same
reference data, and under the sanitizers each import costs seconds (the
server.* tests spent about 9 of their 17 s each on it)."""

import fcntl
import hashlib
import os
import shutil


def copy_of_imported(zfcli, sources, dest, import_into):
    """Makes dest a copy of a store into which import_into(path) imported
    sources. The cache lives beside the build's bin/ (test-cache/), keyed on
    the binary (path, mtime, size) and the files' names and bytes; parallel
    tests build it once under a lock."""
    key = hashlib.sha256()
    st = os.stat(zfcli)
    key.update(("%s %d %d" % (zfcli, st.st_mtime_ns, st.st_size)).encode())
    for f in sources:
        with open(f, "rb") as fh:
            key.update(f.encode() + b"\0" + fh.read())
    caches = os.path.join(os.path.dirname(os.path.dirname(zfcli)), "test-cache")
    os.makedirs(caches, exist_ok=True)
    cache = os.path.join(caches, "reference-" + key.hexdigest()[:20])
    with open(cache + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(cache):
            scratch = "%s.tmp-%d" % (cache, os.getpid())
            shutil.rmtree(scratch, ignore_errors=True)
            import_into(scratch)
            os.rename(scratch, cache)
    shutil.copytree(cache, dest)
