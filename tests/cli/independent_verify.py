#!/usr/bin/env python3
"""Independent verifier of a zf JSONL export.

Written from docs/event-format.md alone (store format version 1, envelope
zf.event.v1), with no reference to zf's sources: it is a second, independent
implementation of the format, so that zf's own hashing and verification can
be cross-checked by the test suite (and by an auditor with nothing but
python3 >= 3.8 built against OpenSSL with SM3 available).

Usage:
    zfcli --db DIR export | independent_verify.py [--ledger HEX]
    independent_verify.py export.jsonl [--ledger HEX]
    independent_verify.py --start P --anchor HEX part.jsonl   (export --from P)

Input: one envelope per line (doc section 7). For every line it checks
  * the line is a JSON object with exactly the envelope fields, in order (§1, §7)
  * each field's format (§1) and the data rules (§2: no floats, integer
    range, UTF-8, nesting depth, canonical size)
  * hash == SM3(canonical encoding) (§3)
  * per stream: version dense from 1, prev_hash == previous event's hash
  * positions dense from 1 (or from --start), strictly increasing
  * the running ledger hash (§4), folded over the recomputed event hashes;
    with --ledger, the final ledger must equal it.

Output: one line per problem,
    position P stream S version V (line N): KIND: detail
(or "line N: KIND: detail" when the line cannot be attributed), then a
summary line with the number of events, the last position and the computed
final ledger hash ("ledger_hash: <hex>").

Exit status: 0 clean, 1 problems found, 2 usage error / unreadable input.

Lines are checked in position order; lines out of order are reported as
position_order (and a repeated position is left out of the chains).

Kinds: undecodable, invalid_field, field_order, hash_mismatch,
prev_hash_mismatch, version_gap, position_gap, position_order,
ledger_mismatch.
"""

import argparse
import hashlib
import json
import re
import sys
from datetime import datetime

ENVELOPE_TAG = b"zf.event.v1"
LEDGER_TAG = b"zf.ledger.v1"
ZERO32 = bytes(32)

FIELDS = [
    "position", "stream", "version", "type", "schema", "occurred_at",
    "recorded_at", "command_id", "actor", "data", "prev_hash", "hash",
]
ACTOR_FIELDS = ["id", "role", "unit"]

U32_MAX = (1 << 32) - 1
U64_MAX = (1 << 64) - 1
I64_MIN = -(1 << 63)
MAX_DATA_BYTES = 1 << 20       # 1 MiB of canonical JSON
MAX_DEPTH = 32                 # nesting of arrays/objects inside data

STREAM_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]*\Z")
TYPE_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
HEX64_RE = re.compile(r"[0-9a-f]{64}\Z")
COMMAND_ID_RE = re.compile(r"[\x21-\x7e]{1,128}\Z")
# RFC 3339 date-time with a mandatory offset ("Z" is RFC 3339's UTC offset).
OCCURRED_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"([Zz]|[+-]\d{2}:\d{2})\Z")
RECORDED_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z\Z")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class Problem(Exception):
    """A data rule violated while canonicalising (kind invalid_field)."""


class FloatSeen(object):
    """Marker for a floating-point literal (refused by §1/§2 rule 4)."""

    def __init__(self, text):
        self.text = text


class DuplicateKey(ValueError):
    pass


def sm3(data):
    h = hashlib.new("sm3")
    h.update(data)
    return h.digest()


def u32(n):
    return n.to_bytes(4, "big")


def u64(n):
    return n.to_bytes(8, "big")


def enc_str(s):
    """§3 str(s): u32(byte length) || UTF-8 bytes. Accepts str or bytes."""
    b = s if isinstance(s, bytes) else s.encode("utf-8")
    if len(b) > U32_MAX:
        raise Problem("string longer than 2^32-1 bytes")
    return u32(len(b)) + b


# --- §2 canonical JSON ------------------------------------------------------

_ESCAPES = {0x22: b'\\"', 0x5C: b"\\\\", 0x08: b"\\b", 0x0C: b"\\f",
            0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t"}


def canon_string(s, where):
    try:
        raw = s.encode("utf-8")          # fails on lone surrogates
    except UnicodeEncodeError:
        raise Problem("%s: string is not valid UTF-8 (lone surrogate)" % where)
    out = bytearray(b'"')
    for byte in raw:
        esc = _ESCAPES.get(byte)
        if esc is not None:
            out += esc
        elif byte < 0x20:
            out += b"\\u00%02x" % byte
        else:
            out.append(byte)
    out += b'"'
    return bytes(out)


def canon_json(value, where="/data", depth=0):
    """Return the canonical bytes of a parsed JSON value (rules 1-7).

    depth counts enclosing containers: the data value itself, if it is an
    array or object, is at nesting depth 1.
    """
    if value is None:
        return b"null"
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    if isinstance(value, FloatSeen):
        raise Problem("%s: floating-point number %s" % (where, value.text))
    if isinstance(value, int):
        if value < I64_MIN or value > U64_MAX:
            raise Problem("%s: integer %d out of range" % (where, value))
        return str(value).encode("ascii")
    if isinstance(value, str):
        return canon_string(value, where)
    if isinstance(value, list):
        if depth + 1 > MAX_DEPTH:
            raise Problem("%s: nesting deeper than %d" % (where, MAX_DEPTH))
        parts = [canon_json(v, "%s/%d" % (where, i), depth + 1)
                 for i, v in enumerate(value)]
        return b"[" + b",".join(parts) + b"]"
    if isinstance(value, dict):
        if depth + 1 > MAX_DEPTH:
            raise Problem("%s: nesting deeper than %d" % (where, MAX_DEPTH))
        members = []
        for k, v in value.items():
            kb = canon_string(k, where)
            ptr = where + "/" + k.replace("~", "~0").replace("/", "~1")
            members.append((k.encode("utf-8"), kb, canon_json(v, ptr, depth + 1)))
        # Python compares bytes as unsigned octets, proper prefix first.
        members.sort(key=lambda m: m[0])
        return (b"{" + b",".join(kb + b":" + vb for _, kb, vb in members)
                + b"}")
    raise Problem("%s: unexpected JSON value %r" % (where, value))


# --- Parsing ------------------------------------------------------------------

def _pairs_hook(pairs):
    seen = set()
    for k, _ in pairs:
        if k in seen:
            raise DuplicateKey("duplicate object key %r" % k)
        seen.add(k)
    # Keep member order (dicts are ordered) so that field order can be checked.
    return dict(pairs)


def _reject_constant(name):
    raise ValueError("non-JSON constant %s" % name)


def parse_line(text):
    return json.loads(text, object_pairs_hook=_pairs_hook,
                      parse_float=FloatSeen, parse_constant=_reject_constant)


def is_uint(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def valid_datetime(m):
    try:
        datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                 int(m.group(4)), int(m.group(5)),
                 min(int(m.group(6)), 59))   # allow a leap second :60
    except ValueError:
        return False
    return int(m.group(6)) <= 60


def valid_offset(off):
    if off in ("Z", "z"):
        return True
    return int(off[1:3]) <= 23 and int(off[4:6]) <= 59


# --- The verifier -------------------------------------------------------------

class Verifier(object):

    def __init__(self, out, start=1, anchor=ZERO32):
        self.out = out
        self.problems = 0
        self.events = 0
        self.start = start
        self.expected_position = start
        self.last_position = start - 1
        self.ledger = anchor
        self.partial = start > 1
        self.streams = {}          # stream -> (version, recorded hash hex)
        self.max_input_position = 0
        self.pending = []          # (position, line, where, event)

    def report(self, where, kind, detail):
        self.problems += 1
        self.out.write("%s: %s: %s\n" % (where, kind, detail))

    @staticmethod
    def where_of(ev, lineno):
        parts = []
        if is_uint(ev.get("position")):
            parts.append("position %d" % ev["position"])
        if isinstance(ev.get("stream"), str):
            parts.append("stream %s" % ev["stream"])
        if is_uint(ev.get("version")):
            parts.append("version %d" % ev["version"])
        if not parts:
            return "line %d" % lineno
        return " ".join(parts) + " (line %d)" % lineno

    def check_fields(self, ev, where):
        """Field presence, order and format (§1). Returns False if the event
        cannot be hashed at all."""
        ok = True
        keys = list(ev.keys())
        missing = [f for f in FIELDS if f not in ev]
        unknown = [k for k in keys if k not in FIELDS]
        for f in missing:
            self.report(where, "invalid_field", "/%s: missing" % f)
            ok = False
        for k in unknown:
            self.report(where, "invalid_field", "/%s: unknown field" % k)
        if not missing and not unknown and keys != FIELDS:
            self.report(where, "field_order",
                        "fields not in the order of §1: %s" % ",".join(keys))
        if not ok:
            return False

        def bad(field, why):
            self.report(where, "invalid_field", "/%s: %s" % (field, why))

        hashable = True
        pos = ev["position"]
        if not is_uint(pos) or pos < 1 or pos > U64_MAX:
            bad("position", "not an integer in 1..2^64-1: %r" % (pos,))
            hashable = False
        ver = ev["version"]
        if not is_uint(ver) or ver < 1 or ver > U64_MAX:
            bad("version", "not an integer in 1..2^64-1: %r" % (ver,))
            hashable = False
        sch = ev["schema"]
        if not is_uint(sch) or sch < 1 or sch > U32_MAX:
            bad("schema", "not an integer in 1..2^32-1: %r" % (sch,))
            hashable = False
        for f in ("stream", "type", "occurred_at", "recorded_at",
                  "command_id", "prev_hash", "hash"):
            if not isinstance(ev[f], str):
                bad(f, "not a string")
                hashable = False
        actor = ev["actor"]
        if not isinstance(actor, dict):
            bad("actor", "not an object")
            hashable = False
        else:
            for k in actor:
                if k not in ACTOR_FIELDS:
                    bad("actor/%s" % k, "unknown field")
            for k in ACTOR_FIELDS:
                if k not in actor:
                    bad("actor/%s" % k, "missing")
                    hashable = False
                elif not isinstance(actor[k], str):
                    bad("actor/%s" % k, "not a string")
                    hashable = False
                else:
                    v = actor[k]
                    if CONTROL_RE.search(v):
                        bad("actor/%s" % k, "control character")
                    if len(v.encode("utf-8", "surrogatepass")) > 128:
                        bad("actor/%s" % k, "longer than 128 bytes")
            if isinstance(actor.get("id"), str) and actor["id"] == "":
                bad("actor/id", "empty (id is required)")
        if not hashable:
            return False

        s = ev["stream"]
        if not STREAM_RE.match(s) or len(s.encode("utf-8")) > 200:
            bad("stream", "not a valid stream name: %r" % s)
        t = ev["type"]
        if not TYPE_RE.match(t) or len(t.encode("utf-8")) > 64:
            bad("type", "not a valid event type: %r" % t)
        m = OCCURRED_RE.match(ev["occurred_at"])
        if not m or not valid_datetime(m) or not valid_offset(m.group(8)):
            bad("occurred_at",
                "not RFC 3339 with an offset: %r" % ev["occurred_at"])
        m = RECORDED_RE.match(ev["recorded_at"])
        if not m or not valid_datetime(m):
            bad("recorded_at", "not RFC 3339 UTC with microseconds: %r"
                % ev["recorded_at"])
        if not COMMAND_ID_RE.match(ev["command_id"]):
            bad("command_id", "not 1-128 printable ASCII without spaces: %r"
                % ev["command_id"])
        ph = ev["prev_hash"]
        if ph != "" and not HEX64_RE.match(ph):
            bad("prev_hash", "neither empty nor 64 lowercase hex digits")
        if not HEX64_RE.match(ev["hash"]):
            bad("hash", "not 64 lowercase hex digits")
        return True

    def encode(self, ev, data_bytes):
        a = ev["actor"]
        try:
            return b"".join([
                enc_str(ENVELOPE_TAG),
                u64(ev["position"]),
                enc_str(ev["stream"]),
                u64(ev["version"]),
                enc_str(ev["type"]),
                u32(ev["schema"]),
                enc_str(ev["occurred_at"]),
                enc_str(ev["recorded_at"]),
                enc_str(ev["command_id"]),
                enc_str(a["id"]),
                enc_str(a["role"]),
                enc_str(a["unit"]),
                enc_str(data_bytes),
                enc_str(ev["prev_hash"]),
            ])
        except UnicodeEncodeError:
            raise Problem("a string field is not valid UTF-8")

    def fold_ledger(self, position, digest):
        self.ledger = sm3(LEDGER_TAG + self.ledger + u64(position) + digest)

    def line(self, lineno, text):
        if text.strip() == "":
            self.report("line %d" % lineno, "undecodable", "empty line")
            return
        try:
            ev = parse_line(text)
        except (ValueError, RecursionError) as e:
            self.report("line %d" % lineno, "undecodable", str(e))
            return
        if not isinstance(ev, dict):
            self.report("line %d" % lineno, "undecodable", "not a JSON object")
            return
        where = self.where_of(ev, lineno)
        if not self.check_fields(ev, where):
            return
        self.events += 1
        pos = ev["position"]
        # Export lines must come in position order (§7). Out-of-order lines
        # are reported here, then everything is checked in position order,
        # so that one misplaced line is one problem, not a cascade.
        if pos <= self.max_input_position:
            self.report(where, "position_order",
                        "position %d after position %d (duplicate or out of "
                        "order)" % (pos, self.max_input_position))
        self.max_input_position = max(self.max_input_position, pos)
        self.pending.append((pos, lineno, where, ev))

    def finish(self):
        """Checks the parsed events in position order (§6, §4)."""
        self.pending.sort(key=lambda p: (p[0], p[1]))
        for _, _, where, ev in self.pending:
            self.check_event(where, ev)
        self.pending = []

    def check_event(self, where, ev):
        pos, stream, ver = ev["position"], ev["stream"], ev["version"]

        # Position density (a repeated position is reported as
        # position_order and, after its hash check, left out of the chains).
        duplicate = pos < self.expected_position
        if pos > self.expected_position:
            if pos - 1 == self.expected_position:
                missing = "position %d is missing" % self.expected_position
            else:
                missing = "positions %d..%d are missing" % (
                    self.expected_position, pos - 1)
            self.report(where, "position_gap", missing)

        # Canonical JSON of data, then the event hash.
        try:
            data_bytes = canon_json(ev["data"])
            if len(data_bytes) > MAX_DATA_BYTES:
                raise Problem("/data: canonical form is %d bytes, over 1 MiB"
                              % len(data_bytes))
        except Problem as e:
            self.report(where, "invalid_field", str(e))
            data_bytes = None
        except RecursionError:
            self.report(where, "invalid_field", "/data: nested too deeply")
            data_bytes = None
        digest = None
        if data_bytes is not None:
            try:
                digest = sm3(self.encode(ev, data_bytes))
            except Problem as e:
                self.report(where, "invalid_field", str(e))
        if digest is not None and digest.hex() != ev["hash"]:
            self.report(where, "hash_mismatch", "computed %s, recorded %s"
                        % (digest.hex(), ev["hash"]))

        if duplicate:
            return

        # Per-stream chain.
        prev = self.streams.get(stream)
        if prev is None:
            if ver != 1 and not self.partial:
                self.report(where, "version_gap",
                            "first event of the stream has version %d, "
                            "expected 1" % ver)
            elif ver == 1 and ev["prev_hash"] != "":
                self.report(where, "prev_hash_mismatch",
                            "version 1 must have an empty prev_hash, has %s"
                            % ev["prev_hash"])
            # In a partial export (--start > 1) a stream may begin mid-chain:
            # its first link cannot be checked from the export alone.
        else:
            pver, phash = prev
            if ver != pver + 1:
                self.report(where, "version_gap",
                            "version %d follows version %d" % (ver, pver))
            if ev["prev_hash"] != phash:
                self.report(where, "prev_hash_mismatch",
                            "prev_hash %s, previous event's hash %s"
                            % (ev["prev_hash"] or '""', phash))
        self.streams[stream] = (ver, ev["hash"])

        # Ledger: folded over the recomputed hash (so that the final ledger
        # alone certifies the content of every event); falls back to the
        # recorded hash when the event could not be hashed.
        if digest is None and HEX64_RE.match(ev["hash"]):
            digest = bytes.fromhex(ev["hash"])
        if digest is not None:
            self.fold_ledger(pos, digest)
        self.expected_position = pos + 1
        self.last_position = pos


def main(argv):
    ap = argparse.ArgumentParser(
        description="Verify a zf JSONL export independently "
                    "(docs/event-format.md).")
    ap.add_argument("file", nargs="?", default="-",
                    help="export file, - or absent for stdin")
    ap.add_argument("--ledger", metavar="HEX",
                    help="expected final ledger hash (64 hex digits)")
    ap.add_argument("--start", type=int, default=1, metavar="P",
                    help="first position of the export (export --from P)")
    ap.add_argument("--anchor", metavar="HEX",
                    help="ledger hash of position P-1 (required with --start)")
    args = ap.parse_args(argv)

    if args.ledger is not None and not re.fullmatch(r"[0-9a-fA-F]{64}",
                                                    args.ledger):
        ap.error("--ledger must be 64 hex digits")
    if args.start < 1:
        ap.error("--start must be >= 1")
    anchor = ZERO32
    if args.start > 1:
        if args.anchor is None or not re.fullmatch(r"[0-9a-fA-F]{64}",
                                                   args.anchor):
            ap.error("--start P > 1 needs --anchor HEX (ledger of P-1)")
        anchor = bytes.fromhex(args.anchor)
    elif args.anchor is not None:
        ap.error("--anchor is only meaningful with --start P > 1")

    try:
        sm3(b"")
    except ValueError:
        sys.stderr.write("independent_verify: this python's hashlib has no "
                         "SM3 (needs OpenSSL >= 1.1.1 with SM3 enabled)\n")
        return 2

    try:
        if args.file == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as f:
                raw = f.read()
    except OSError as e:
        sys.stderr.write("independent_verify: %s\n" % e)
        return 2

    v = Verifier(sys.stdout, start=args.start, anchor=anchor)
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()                      # the final newline
    for n, bline in enumerate(lines, 1):
        try:
            text = bline.decode("utf-8")
        except UnicodeDecodeError as e:
            v.report("line %d" % n, "undecodable", "not UTF-8: %s" % e)
            continue
        v.line(n, text)
    v.finish()

    final = v.ledger.hex()
    if args.ledger is not None and args.ledger.lower() != final:
        v.report("position %d" % v.last_position, "ledger_mismatch",
                 "computed final ledger %s, expected %s"
                 % (final, args.ledger.lower()))
    sys.stdout.write("events: %d  last position: %d  problems: %d\n"
                     % (v.events, v.last_position, v.problems))
    sys.stdout.write("ledger_hash: %s\n" % final)
    return 1 if v.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
