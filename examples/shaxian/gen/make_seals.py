#!/usr/bin/env python3
"""Writes examples/shaxian/10-seals.jsonl: the sample agencies' electronic seals.

One register_agency_seal command (stream org) per test key in
examples/shaxian/keys/seals/<agency>.pem: the agency's SM2 public key, in
force from 2025-01-01 — after the generated year and every decision of the
sample, so the sample's statistics and its re-decision stay as they are
(no sample decision is sealed). The file comes last (10-), after the cases;
its commands are dated after theirs and before the 2025 calendar's
publication (2024-11-12), which stays the sample's latest instant (the
audit's reference time).

The private keys are TEST keys (keys/README.md): `zfcli --seal-keys
examples/shaxian/keys/seals` seals decisions made after 2025-01-01 with them.

Needs the openssl command (OpenSSL 3) to derive the public keys.
Deterministic for given keys; run from anywhere:
python3 examples/shaxian/gen/make_seals.py
"""
import json
import pathlib
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
KEYS = HERE.parent / "keys" / "seals"
OUT = HERE.parent / "10-seals.jsonl"
ACTOR = {"id": "SX-ADMIN-01", "role": "list_admin", "unit": "sx-justice"}
AT = "2024-11-01T09:00:00+08:00"
VALID_FROM = "2025-01-01"


def public_pem(path):
    return subprocess.run(["openssl", "pkey", "-in", str(path), "-pubout"], check=True,
                          capture_output=True, text=True).stdout


def main():
    lines = []
    for key in sorted(KEYS.glob("*.pem")):
        agency = key.stem
        command = {
            "command": "register_agency_seal", "command_id": f"org-seal-{agency}-v1", "at": AT,
            "actor": ACTOR,
            "data": {"agency": agency, "public_key": public_pem(key), "valid_from": VALID_FROM,
                     "note": "FIXTURE: a test key (examples/shaxian/keys/README.md)"}}
        lines.append(json.dumps(command, ensure_ascii=False, separators=(",", ":")))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
