#!/usr/bin/env python3
"""Standalone verifier for the cooperation office's transparency log (Python 3.8+, standard
library only; Ed25519 signatures through the `openssl` command, OpenSSL 3.0 or later).

  verify_log.py checkpoint NOTE VERIFIER_KEY             signature, origin, size, root
  verify_log.py inclusion NOTE VERIFIER_KEY EVENT PROOF   the event (JSON) is leaf PROOF.leafIndex of NOTE's tree
  verify_log.py consistency OLD NEW VERIFIER_KEY PROOF     NEW's tree extends OLD's
  verify_log.py canonical < JSON                          the RFC 8785 form of a JSON text
Exit 0 when everything holds, 1 when something does not, 2 on bad usage.
"""
import base64, decimal, hashlib, json, os, subprocess, sys, tempfile

def canonical(value):
    """RFC 8785 (JCS): sorted keys by UTF-16 code units, ECMAScript number form, minimal escapes."""
    if value is None: return "null"
    if value is True: return "true"
    if value is False: return "false"
    if isinstance(value, str): return quote(value)
    if isinstance(value, (int, float)): return number(float(value))
    if isinstance(value, list): return "[" + ",".join(canonical(v) for v in value) + "]"
    keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
    return "{" + ",".join(quote(k) + ":" + canonical(value[k]) for k in keys) + "}"

def quote(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch in '"\\': out.append("\\" + ch)
        elif ch in "\b\f\n\r\t": out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif c < 0x20: out.append("\\u%04x" % c)
        else: out.append(ch)
    return "".join(out) + '"'

def number(x):
    """ECMAScript Number::toString: shortest round-trip digits, exponent outside [1e-7, 1e21)."""
    if x != x or x in (float("inf"), float("-inf")): raise ValueError("not a JSON number")
    if x == 0: return "0"  # -0 as well
    sign = "-" if x < 0 else ""
    t = decimal.Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, t.digits)).rstrip("0") or "0"
    n = t.exponent + len("".join(map(str, t.digits)))  # position of the decimal point
    k = len(digits)
    if k <= n <= 21: return sign + digits + "0" * (n - k)
    if 0 < n <= 21: return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0: return sign + "0." + "0" * -n + digits
    e = n - 1
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return sign + mantissa + "e" + ("+" if e >= 0 else "-") + str(abs(e))

def parse(text):
    return json.loads(text, parse_int=float, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))

sha = lambda *parts: hashlib.sha256(b"".join(parts)).digest()
leaf_hash = lambda data: sha(b"\x00", data)
node_hash = lambda l, r: sha(b"\x01", l, r)

def root_from_inclusion(index, size, leaf, path):
    """RFC 9162 section 2.1.3.2."""
    if index >= size: return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0: return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0: fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None

def consistent(m, n, old, new, proof):
    """RFC 9162 section 2.1.4.2."""
    if m == n: return not proof and old == new
    if m == 0: return not proof
    if m > n or not proof: return False
    path = [old] + proof if m & (m - 1) == 0 else list(proof)
    fn, sn = m - 1, n - 1
    while fn & 1: fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0: fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old and sr == new

def open_checkpoint(note, vkey):
    """C2SP signed-note + tlog-checkpoint: (size, root) if the log's signature verifies."""
    name, key_id, key = vkey.strip().split("+", 2)
    raw = base64.b64decode(key)
    if len(raw) != 33 or raw[0] != 1: fail("not an Ed25519 verifier key")
    if sha(name.encode(), b"\n", raw).hex()[:8] != key_id: fail("the verifier key's id does not match its key")
    body, _, sigs = note.partition("\n\n")
    body += "\n"
    origin, size, root = body.split("\n")[:3]
    if origin != name: fail("the checkpoint's origin is not the key's name")
    for line in sigs.splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and parts[0] == "\u2014" and parts[1] == name:
            sig = base64.b64decode(parts[2])
            if sig[:4].hex() == key_id and ed25519_verify(raw[1:], body.encode(), sig[4:]):
                return int(size), base64.b64decode(root)
    fail("no valid signature by %s" % name)

def ed25519_verify(public_key, message, signature):
    spki = base64.b64encode(bytes.fromhex("302a300506032b6570032100") + public_key).decode()
    with tempfile.TemporaryDirectory() as d:
        files = {"key.pem": "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % spki, "msg": message, "sig": signature}
        for f, content in files.items():
            with open(os.path.join(d, f), "wb") as out: out.write(content.encode() if isinstance(content, str) else content)
        run = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin", "-in", "msg", "-sigfile", "sig"], cwd=d, capture_output=True)
        return run.returncode == 0

def fail(message):
    print("FAIL: " + message); sys.exit(1)

def read(path):
    with open(path, encoding="utf-8") as f: return f.read()

def main(argv):
    if argv[:1] == ["canonical"]:
        sys.stdout.write(canonical(parse(sys.stdin.read()))); return
    if argv[:1] == ["checkpoint"] and len(argv) == 3:
        size, root = open_checkpoint(read(argv[1]), read(argv[2]))
        print("OK checkpoint: tree size %d, root %s" % (size, root.hex())); return
    if argv[:1] == ["inclusion"] and len(argv) == 5:
        size, root = open_checkpoint(read(argv[1]), read(argv[2]))
        proof = json.loads(read(argv[4]))
        leaf = leaf_hash(canonical(parse(read(argv[3]))).encode("utf-8"))
        if leaf.hex() != proof["leafHash"]: fail("the event's content does not hash to the proof's leaf")
        if proof["treeSize"] != size: fail("the proof is for another tree size")
        if root_from_inclusion(proof["leafIndex"], size, leaf, [bytes.fromhex(h) for h in proof["path"]]) != root: fail("the inclusion proof does not lead to the checkpoint's root")
        print("OK inclusion: leaf %d of %d" % (proof["leafIndex"], size)); return
    if argv[:1] == ["consistency"] and len(argv) == 5:
        m, old = open_checkpoint(read(argv[1]), read(argv[3]))
        n, new = open_checkpoint(read(argv[2]), read(argv[3]))
        proof = json.loads(read(argv[4]))
        if (proof["from"], proof["to"]) != (m, n): fail("the proof is for other tree sizes")
        if not consistent(m, n, old, new, [bytes.fromhex(h) for h in proof["path"]]): fail("the tree of %d does not extend the tree of %d" % (n, m))
        print("OK consistency: %d extends %d" % (n, m)); return
    print(__doc__); sys.exit(2)

if __name__ == "__main__":
    main(sys.argv[1:])
