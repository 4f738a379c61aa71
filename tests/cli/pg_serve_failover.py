#!/usr/bin/env python3
"""Failover through `zfcli serve` (ctest: pg.failover, after the embedded runs).

    pg_serve_failover.py ZFCLI REPLICA_SCRIPT STATE_DIR EXAMPLES_DIR

One `zfcli serve` on the replica cluster's multi-host URL
(host=a,b target_session_attrs=read-write, scripts/pg-replica-cluster),
four HTTP clients posting commands. At a random moment the primary is
SIGKILLed (postmaster and children at once), the standby promoted and a new
standby built. A client whose command got no answer (503: the store was
unreachable or the commit's outcome is unknown; or no HTTP answer at all)
posts the same command, with the same command_id, until it is answered.
After every run: each acknowledged command is in the log exactly once, at
the positions its answer named, and every event of the run belongs to a
command. At the end, with the server stopped (exit 0): `store verify` and
`audit verify` are clean. Runs: $ZF_SERVE_FAILOVER_RUNS (default 20);
moments from $ZF_FAILOVER_SEED (default random, printed).
"""

import atexit
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

CLIENTS = 4
SCHEMA = "zf_serve_failover"
ACTOR = {"id": "SX-OF-0094", "role": "enforcement_officer", "unit": "fenggang"}


def die(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def run(*args, **kw):
    return subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=kw.pop("timeout", 300), **kw)


def clue(command_id):
    return {"command": "register_clue", "command_id": command_id,
            "at": "2023-09-12T09:00:00+08:00", "case_id": command_id, "actor": ACTOR,
            "data": {"source": "grid_report", "micro_grid": "MG-0457",
                     "description": "路边倾倒建筑垃圾", "discovered_on": "2023-09-12"}}


def post(port, body, timeout):
    """The HTTP status and JSON body, or (None, reason) when no answer came."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/v1/commands", body=json.dumps(body),
                     headers={"Authorization": "Bearer tok-failover",
                              "Content-Type": "application/json"})
        r = conn.getresponse()
        text = r.read().decode("utf-8", "replace")
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, {"text": text}
    except (OSError, http.client.HTTPException) as e:
        return None, str(e)
    finally:
        conn.close()


class Run(object):
    """One failover: clients stream commands while the primary is lost."""

    def __init__(self, number, port):
        self.number, self.port = number, port
        self.lock = threading.Lock()
        self.acks = []        # (command_id, first_position, last_position, retried)
        self.failures = []
        self.no_answer = 0
        self.killed = threading.Event()
        self.stop = threading.Event()
        self.acks_after_kill = 0

    def client(self, t):
        i = 0
        while not self.stop.is_set():
            command_id = "SX-SFO-%d-%d-%d" % (self.number, t, i)
            i += 1
            give_up = time.monotonic() + 90
            retried = False
            while True:
                status, body = post(self.port, clue(command_id), timeout=60)
                if status in (200, 201) and body.get("outcome") in ("applied", "already_applied"):
                    with self.lock:
                        self.acks.append((command_id, body["first_position"],
                                          body["last_position"], retried))
                        if self.killed.is_set():
                            self.acks_after_kill += 1
                    break
                if (status is not None and status != 503) or time.monotonic() > give_up:
                    with self.lock:
                        self.failures.append("%s: HTTP %s %r" % (command_id, status, body))
                    self.stop.set()
                    return
                # No answer: the same command again, with the same id.
                retried = True
                with self.lock:
                    self.no_answer += 1
                time.sleep(0.02)


def export_from(zfcli, url, position):
    r = run(zfcli, "--db", url, "export", "--from-position", str(position))
    if r.returncode != 0:
        die("export: %s" % r.stderr.decode()[:400])
    return [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]


def check_run(zfcli, url, first, r):
    """Exactly once: the log from `first` holds each acknowledged command's
    events at the positions its answer named, contiguous, and no event
    without a command."""
    events = export_from(zfcli, url, first)
    positions = {}
    last = first - 1
    for e in events:
        if e["position"] != last + 1:
            die("run %d: position %d follows %d" % (r.number, e["position"], last))
        last = e["position"]
        if not e.get("command_id"):
            die("run %d: event %d has no command" % (r.number, e["position"]))
        positions.setdefault(e["command_id"], []).append(e["position"])
    answered_on_retry = 0
    for command_id, first_position, last_position, retried in r.acks:
        mine = positions.get(command_id)
        if mine != list(range(first_position, last_position + 1)):
            die("run %d: %s was acknowledged at %d..%d, the log has it at %r"
                % (r.number, command_id, first_position, last_position, mine))
        answered_on_retry += 1 if retried else 0
    return last, len(events), answered_on_retry


def main(argv):
    zfcli, script, state, examples = argv[1:5]
    runs = int(os.environ.get("ZF_SERVE_FAILOVER_RUNS", "20"))
    seed = int(os.environ.get("ZF_FAILOVER_SEED", str(random.SystemRandom().randrange(1 << 31))))
    print("serve failover: %d runs, ZF_FAILOVER_SEED=%d" % (runs, seed), flush=True)
    moments = random.Random(seed)
    with open(os.path.join(state, "url")) as f:
        base = f.read().strip()
    psql = os.path.join(os.environ.get("ZF_PG_BIN", "/usr/lib/postgresql/15/bin"), "psql")
    r = run(psql, "-q", base, "-c",
            "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (SCHEMA, SCHEMA))
    if r.returncode != 0:
        die("psql: %s" % r.stderr.decode())
    url = base + "&options=-csearch_path%%3D%s&zf_reconnect_timeout=30" % SCHEMA

    def cluster(action):
        r = run(script, action, state)
        if r.returncode != 0:
            die("%s: %s" % (action, (r.stdout + r.stderr).decode()[-600:]))

    tmp = tempfile.mkdtemp(prefix="zf-serve-failover-")
    # Removed on every way out, die() (SystemExit) included.
    atexit.register(shutil.rmtree, tmp, True)
    r = run(zfcli, "--db", url, "import", os.path.join(examples, "02-org.jsonl"))
    if r.returncode != 0:
        die("import of the organisation: %s" % r.stderr.decode()[:400])
    config = os.path.join(tmp, "serve.json")
    with open(config, "w") as f:
        json.dump({"tokens": [{"sha256": hashlib.sha256(b"tok-failover").hexdigest(),
                               "actor": ACTOR}],
                   "limits": {"io_threads": 2, "work_threads": 8}}, f)
    server = subprocess.Popen([zfcli, "--db", url, "serve", "--config", config, "--listen",
                               "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = server.stdout.readline().decode()
    if "listening on" not in line:
        die("serve did not start: %r %s" % (line, server.stderr.read().decode()[:400]))
    port = int(line.strip().rsplit(":", 1)[1])
    # The server's stderr is drained, so that it never blocks on a full pipe.
    errors = []
    threading.Thread(target=lambda: errors.extend(server.stderr), daemon=True).start()

    totals = [0, 0, 0]
    first = int(json.loads(run(zfcli, "--db", url, "--json", "store", "verify")
                           .stdout.decode()).get("to", 0)) + 1
    try:
        for number in range(runs):
            started = time.monotonic()
            r = Run(number, port)
            clients = [threading.Thread(target=r.client, args=(t,)) for t in range(CLIENTS)]
            for c in clients:
                c.start()
            time.sleep(moments.uniform(0.05, 0.6))
            r.killed.set()
            cluster("kill-primary")
            cluster("promote")
            cluster("rebuild")
            settle = time.monotonic() + 90
            while r.acks_after_kill < 3 * CLIENTS and not r.stop.is_set() \
                    and time.monotonic() < settle:
                time.sleep(0.01)
            r.stop.set()
            for c in clients:
                c.join()
            if r.failures:
                die("run %d (ZF_FAILOVER_SEED=%d): %s" % (number + 1, seed, r.failures[:3]))
            if r.acks_after_kill < 3 * CLIENTS:
                die("run %d: only %d answers after the failover" % (number + 1, r.acks_after_kill))
            last, events, on_retry = check_run(zfcli, url, first, r)
            first = last + 1
            totals[0] += len(r.acks)
            totals[1] += r.no_answer
            totals[2] += on_retry
            print("serve failover run %d: %d acknowledged, %d answers missing and retried, "
                  "%d events, ledger %d, %.1f s" % (number + 1, len(r.acks), r.no_answer,
                                                    events, last, time.monotonic() - started),
                  flush=True)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            code = -1
    if code != 0:
        die("serve exited %d after SIGTERM: %s" % (code, b"".join(errors).decode()[-600:]))
    r = run(zfcli, "--db", url, "--json", "store", "verify")
    if r.returncode != 0 or not json.loads(r.stdout.decode()).get("ok"):
        die("store verify: %s" % r.stdout.decode()[:600])
    r = run(zfcli, "--db", url, "audit", "verify", timeout=600)
    if r.returncode != 0:
        die("audit verify: %s" % (r.stdout + r.stderr).decode()[-800:])
    print("serve failover: %d runs passed, %d commands acknowledged, %d missing answers "
          "retried (%d answered on a retry); store verify and audit verify clean"
          % (runs, totals[0], totals[1], totals[2]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
