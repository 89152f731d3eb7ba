#!/usr/bin/env python3
"""Generate fixtures/json/python-dumps.jsonl: how CPython's json.dumps writes floats, strings and
documents. The Swift tests compare JSONWriter/PythonFloat against these lines; Python is only
needed to regenerate the file, never to run the tests."""
import json, math, random, struct, sys

random.seed(20240601)
out = []

def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]

floats = [0.0, -0.0, 0.1, 0.2, 0.3, 1.0, -1.0, 100.0, 1e-05, 1e-4, 1.5e-4, 0.001, 1e15, 1e16, 1e17,
          123456789012345678.0, 9999999999999998.0, 1e16 - 2, 1.7976931348623157e308, 5e-324,
          2.2250738585072014e-308, 0.6341449022293091, 1 / 3, 2 / 3, 1e22, 1e21, 1e-7, 12345.678,
          float(2**53), float(2**53 + 2), 0.5, 0.25, 3.14159, 1e100, 1.5e300, -2.5e-300, 1e23]
for e in range(-30, 31):
    floats.append(10.0 ** e)
    floats.append(1.234567 * 10.0 ** e)
for _ in range(400):
    floats.append(struct.unpack("<d", struct.pack("<Q", random.getrandbits(64)))[0])
for _ in range(200):
    floats.append(random.uniform(-1e6, 1e6))
    floats.append(float(struct.unpack("<f", struct.pack("<f", random.uniform(-10, 10)))[0]))
for f in floats:
    if math.isnan(f):
        continue
    out.append({"kind": "float", "bits": format(bits(f), "016x"), "json": json.dumps(f)})

strings = ["", "plain", "quote\" back\\ slash/", "\n\r\t\b\f", "\x00\x01\x1f\x7f", "caf\u00e9",
           "\u4e2d\u6587", "emoji \U0001F600 \U0010FFFF", "\u2028\u2029", "mixed \u00e9\U0001F4A9\x7f~ "]
for _ in range(50):
    strings.append("".join(chr(random.choice([random.randint(0x20, 0x7e), random.randint(0, 0x1f),
                                               random.randint(0x80, 0xd7ff), random.randint(0xe000, 0x10ffff)]))
                           for _ in range(random.randint(0, 12))))
for s in strings:
    out.append({"kind": "string", "codepoints": [ord(c) for c in s], "ascii": json.dumps(s),
                "unicode": json.dumps(s, ensure_ascii=False)})

docs = [
    {"a": [1, 2.5, None, True, False, "x"], "b": {}, "c": [], "d": {"nested": [[1], [2, 3]]}},
    [float("nan"), float("inf"), -float("inf"), 2**70, -(2**64), 1e16],
    {"z": 1, "a": 2, "m": {"\u00e9": "\U0001F600"}},
    "top",
    3,
    [],
    {},
]
for d in docs:
    out.append({"kind": "doc", "default": json.dumps(d), "indent2": json.dumps(d, indent=2),
                "compact": json.dumps(d, separators=(",", ":"))})

with open(sys.argv[1] if len(sys.argv) > 1 else "fixtures/json/python-dumps.jsonl", "w") as fh:
    for o in out:
        fh.write(json.dumps(o) + "\n")
