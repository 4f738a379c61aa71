#!/usr/bin/env python3
"""package.deb: the Debian package (cpack -G DEB) holds what an operator
needs, installs with dpkg into a clean root, and the service it installs
runs: the unit's own ExecStart (paths mapped into the root) serves
/v1/health, reloads on the unit's ExecReload signal (reopening the access
log after a rotation, as its logrotate file asks) and stops on SIGTERM.

    check_deb.py BUILD_DIR
"""
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import FAILURES, Abort, check, fail, require  # noqa: E402

EXPECTED_FILES = [
    "./usr/bin/zfcli", "./usr/include/zf/engine.h", "./usr/include/zf/json_schema.h",
    "./usr/lib/cmake/zf/zfConfig.cmake", "./usr/share/man/man1/zfcli.1",
    "./usr/share/zf/schemas/serve-config.schema.json", "./lib/systemd/system/zf.service",
    "./etc/zf/serve.json", "./etc/logrotate.d/zf",
]
HARDENING = {"DynamicUser": "yes", "ProtectSystem": "strict", "NoNewPrivileges": "yes",
             "ProtectHome": "yes", "PrivateTmp": "yes"}


def run(*args, **kw):
    p = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def build_deb(build, out):
    rc, o, e = run("cpack", "-G", "DEB", "--config", os.path.join(build, "CPackConfig.cmake"),
                   "-B", out)
    require(rc == 0, "cpack exited %d: %s %s" % (rc, o[-800:], e[-800:]))
    debs = [f for f in os.listdir(out) if f.endswith(".deb")]
    require(len(debs) == 1, "one .deb in %s: %r" % (out, debs))
    return os.path.join(out, debs[0])


def check_contents(deb):
    rc, fields, e = run("dpkg-deb", "-f", deb, "Package", "Version", "Depends", "Architecture")
    require(rc == 0, "dpkg-deb -f: %s" % e)
    info = dict(l.split(": ", 1) for l in fields.splitlines() if ": " in l)
    check(info.get("Package") == "zf" and info.get("Architecture") == "amd64",
          "control fields: %r" % info)
    depends = info.get("Depends", "")
    for lib in ("librocksdb", "libboost-json1.81", "libfmt", "libssl", "libpq"):
        check(lib in depends, "Depends names %s (dpkg-shlibdeps): %r" % (lib, depends))
    rc, listing, e = run("dpkg-deb", "-c", deb)
    names = {l.split()[-1] if "->" not in l else l.split()[-3] for l in listing.splitlines()}
    for f in EXPECTED_FILES:
        check(f in names, "the package holds %s" % f)
    check(any(re.fullmatch(r"\./usr/lib/(x86_64-linux-gnu/)?libzf\.(a|so.*)", n) for n in names),
          "the package holds libzf: %r" % sorted(n for n in names if "libzf" in n))
    with tempfile.TemporaryDirectory() as ctrl:
        run("dpkg-deb", "-e", deb, ctrl)
        with open(os.path.join(ctrl, "conffiles")) as f:
            conffiles = f.read().split()
        check(conffiles == ["/etc/zf/serve.json", "/etc/logrotate.d/zf"],
              "conffiles: %r" % conffiles)
    return info["Version"]


def install(deb, root):
    os.makedirs(os.path.join(root, "var/lib/dpkg/info"))
    os.makedirs(os.path.join(root, "var/lib/dpkg/updates"))
    open(os.path.join(root, "var/lib/dpkg/status"), "w").close()
    # The root holds no libraries: their packages are the running system's.
    rc, o, e = run("dpkg", "--root=" + root, "--force-depends", "--force-not-root",
                   "--force-bad-path", "-i", deb)
    require(rc == 0, "dpkg -i exited %d: %s %s" % (rc, o[-600:], e[-600:]))
    rc, o, e = run("dpkg", "--root=" + root, "-s", "zf")
    check("Status: install ok installed" in o, "dpkg -s zf: %s %s" % (o[:300], e[:300]))


def unit_settings(root):
    settings = {}
    with open(os.path.join(root, "lib/systemd/system/zf.service")) as f:
        for line in f:
            line = line.strip()
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                settings[k] = v
    for k, v in HARDENING.items():
        check(settings.get(k) == v, "zf.service %s=%s, found %r" % (k, v, settings.get(k)))
    check("zf" in settings.get("StateDirectory", "").split(), "StateDirectory: %r" % settings)
    check("-HUP" in settings.get("ExecReload", ""), "ExecReload: %r" % settings.get("ExecReload"))
    return settings


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode()
    finally:
        conn.close()


def wait_for(log, event, count=1):
    deadline = time.time() + 20
    while time.time() < deadline:
        if os.path.exists(log):
            with open(log) as f:
                if sum(1 for l in f if '"event":"%s"' % event in l) >= count:
                    return True
        time.sleep(0.05)
    return False


def serve(root, settings, work, version):
    state, logs = os.path.join(work, "state"), os.path.join(work, "log")
    os.makedirs(os.path.join(state, "backups"))  # StateDirectory=zf zf/backups
    os.makedirs(logs)
    config = os.path.join(work, "serve.json")
    with open(os.path.join(root, "etc/zf/serve.json")) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace("/var/lib/zf", state))
    mapping = {"/usr/bin/zfcli": os.path.join(root, "usr/bin/zfcli"), "/var/lib/zf": state,
               "/var/log/zf": logs, "/etc/zf/serve.json": config, "127.0.0.1:8080": "127.0.0.1:0"}
    argv = []
    for word in shlex.split(settings["ExecStart"]):
        for old, new in mapping.items():
            word = word.replace(old, new) if word.startswith(old) else word
        argv.append(word)
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(
        os.path.join(root, d) for d in ("usr/lib", "usr/lib/x86_64-linux-gnu")))
    rc, o, e = run("ldd", argv[0], env=env)
    # Nothing from the build tree: a shared libzf comes from the root (a
    # static one is inside zfcli), every other library is resolved.
    check(rc == 0 and "not found" not in o and build_dir() not in o,
          "ldd zfcli: %s %s" % (o[:800], e[:200]))
    check(all(root in l for l in o.splitlines() if "libzf" in l), "libzf from the root: %s" % o)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=work)
    try:
        line = proc.stdout.readline().decode()
        require("listening on" in line, "the unit's ExecStart did not start: %r %s"
                % (line, proc.stderr.read().decode()[:400] if proc.poll() is not None else ""))
        port = int(line.strip().rsplit(":", 1)[1])
        status, body = get(port, "/v1/health")
        check(status == 200 and json.loads(body).get("version") == version.split("-")[0],
              "health: %d %s (package %s)" % (status, body[:200], version))
        # logrotate moves the log away, then reloads: the server writes to a
        # new file at the path.
        log = os.path.join(logs, "access.log")
        os.rename(log, log + ".1")
        proc.send_signal(signal.SIGHUP)
        check(wait_for(log, "config_reloaded"), "after a rotation and a reload, the new "
              "access log has the reload entry")
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=60) == 0, "SIGTERM: exit %r" % proc.returncode)
    finally:
        if proc.poll() is None:
            proc.kill()


BUILD = None


def build_dir():
    return BUILD


def main(argv):
    global BUILD
    build = BUILD = os.path.abspath(argv[1])
    work = tempfile.mkdtemp(prefix="zf-deb-")
    try:
        deb = build_deb(build, os.path.join(work, "out"))
        version = check_contents(deb)
        root = os.path.join(work, "root")
        install(deb, root)
        settings = unit_settings(root)
        serve(root, settings, work, version)
    except Abort:
        pass
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in FAILURES:
        print("FAIL: " + f)
    print("package.deb: %s" % ("FAIL" if FAILURES else "ok"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
