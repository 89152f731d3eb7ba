#!/usr/bin/env python3
"""Generate fixtures/yaml/golden.jsonl: PyYAML 6 output for varied documents.

Each line is one case:
  {"id": str, "kind": "dump", "options": {...}, "input": <typed>, "yaml": <text>}
      yaml.safe_dump(input, default_flow_style=False, **options); the Swift emitter must
      produce exactly `yaml`, and (when "roundtrip" is true, i.e. PyYAML itself reads it
      back to `input`) the Swift parser must read `yaml` back to `input`.
  {"id": str, "kind": "load", "yaml": <text>, "value": <typed>}
      yaml.safe_load(yaml) == value (flow style, block scalars, hand-written YAML).
  {"id": str, "kind": "load_error", "yaml": <text>}
      yaml.safe_load raises.

Typed encoding (JSON cannot tell 1 from 1.0): {"n": null} | {"b": bool} | {"i": "<decimal>"}
| {"f": "<repr>"} (also "nan", "inf", "-inf") | {"s": str} | {"ts": isoformat} (timestamps) | {"l": [...]} | {"m": [[k, v], ...]}.

Run: python3 scripts/gen-yaml-golden.py > fixtures/yaml/golden.jsonl   (PyYAML 6.0.x)
The Swift tests only read the fixture; they never run Python.
"""
import datetime
import json
import math
import random
import sys

import yaml

assert yaml.__version__.startswith("6."), yaml.__version__


def enc(v):
    if v is None:
        return {"n": None}
    if isinstance(v, bool):
        return {"b": v}
    if isinstance(v, int):
        return {"i": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"f": "nan"}
        if math.isinf(v):
            return {"f": "inf" if v > 0 else "-inf"}
        return {"f": repr(v)}
    if isinstance(v, str):
        return {"s": v}
    if isinstance(v, (datetime.date, datetime.datetime)):
        return {"ts": v.isoformat()}
    if isinstance(v, list):
        return {"l": [enc(x) for x in v]}
    if isinstance(v, dict):
        return {"m": [[enc(k), enc(x)] for k, x in v.items()]}
    raise TypeError(type(v))


out = []


def dump_case(cid, data, **options):
    text = yaml.safe_dump(data, default_flow_style=False, **options)
    # The round trip must hold in Python too (otherwise the case is meaningless).
    # PyYAML itself does not always read its own output back (e.g. a raw U+0085 written
    # inside single quotes with allow_unicode=True): such cases are marked and only the
    # emitted bytes are compared.
    try:
        roundtrip = _nan_equal(yaml.safe_load(text), data)
    except yaml.YAMLError:
        roundtrip = False
    out.append({"id": cid, "kind": "dump", "options": options, "input": enc(data), "yaml": text,
                "roundtrip": roundtrip})


def _nan_equal(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_nan_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_nan_equal(a[k], b[k]) for k in a)
    return a == b


def load_case(cid, text):
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        out.append({"id": cid, "kind": "load_error", "yaml": text})
        return
    out.append({"id": cid, "kind": "load", "yaml": text, "value": enc(value)})


# Strings that YAML 1.1 would resolve to another type, or that need quoting.
TRICKY = [
    "", " ", "  ", "a", "true", "True", "TRUE", "false", "yes", "Yes", "no", "NO", "on", "Off",
    "y", "n", "Y", "N", "null", "Null", "NULL", "~", "none", "None", "nil",
    "0", "1", "-1", "+1", "007", "08", "09", "0x1F", "0X1F", "0o17", "0b101", "0b102", "1_000",
    "1__0", "_1", "1_", "+0", "-0", "1:30", "1:60", "190:20:30", "1:30.5", "-1:30",
    "1.0", "1.", ".5", "-.5", "+.5", "1e5", "1e+5", "1.0e5", "1.0e+5", "1.0E-5", "1.5e", "6.8523015e+5",
    "685.230_15e+03", ".inf", ".Inf", ".INF", "-.inf", "+.inf", "inf", "-inf", ".nan", ".NaN", "NaN", "nan",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15 2:59:43.10",
    "2002-12-14", "2026-11-29 01:34:04.149897", "2001-1-1", "12:30:45", "3.10", "3.11.7", "1.2.3",
    "=", "<<", "!", "&", "*", "&a", "*a", "!tag", "%x", "@x", "`x", "|", ">", "|x", ">x", "'", '"',
    "'a'", '"a"', "a'b", 'a"b', "#", "#a", "a#b", "a #b", "a# b", "-", "- ", "-a", "- a", "--", "---",
    "--- a", "...", "... a", "?", "? ", "?a", "? a", ":", ": ", ":a", "a:", "a: ", "a:b", "a: b",
    "a:\tb", ",", "a,b", "[", "]", "{", "}", "[a]", "{a: 1}", "a[b]", "a{b}", "a ?b", "a, b",
    "\t", "a\tb", "\ta", "a\t", "\n", "a\n", "\na", "a\nb", "a\n\nb", "a \nb", "a\n b", " a", "a ",
    " a ", "a  b", "a   b", "\r", "a\rb", "a\r\nb", "\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b",
    "\x7f", "\x80", "\x85", "\xa0", "a\xa0b", "\u2028", "\u2029", "\ufeff", "a\ufeffb", "\ufffd",
    "\ufffe", "é", "café", "naïve text", "日本語", "emoji 😀", "𝄞", "Ω≈ç√", "\\", "a\\b", "\\n",
    "a\\", "https://example.com/a?b=c#d", "C:\\path\\x", "/tmp/sbert_model", "-r requirements.txt",
    "pip<=26.3", "python=3.11.7", "mlflow==3.17.2", "m-444c6f29972744948ae37f39f6d0cc46",
    "dcbf1e0ecb7d4bed85620400fe6d3a56", "1234567890123456789012345678901234567890",
    "e3", "1e3", "0e0", "1_2_3", "0.", "0x", "0b", "0xg", "+", "-.", ".", "..", "._", "1._",
    "a b c", "key: value: x", "{}", "[]", "''", '""', "%", "a%", "@", "a@b", "`", "a`",
]

for i, s in enumerate(TRICKY):
    dump_case(f"str-{i}", {"k": s})
    dump_case(f"seq-str-{i}", [s])
    if s:
        dump_case(f"key-str-{i}", {s: "v"})
    dump_case(f"uni-str-{i}", {"k": s}, allow_unicode=True)
    dump_case(f"top-str-{i}", s)

# Numbers.
FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 3.14159, 1e-05, 1e-4, 0.0001, 1.5e-7, 1e16, 1e15,
          123456789012345.6, 1e17, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
          0.1, 0.2, 0.30000000000000004, 100.0, 1e22, 1e21, 1.23e-10, -2.5e+30, 6.02214076e23,
          0.6341449022293091, 91588771.0, float("inf"), float("-inf"), float("nan"), 1e100,
          12345678.9, 9007199254740993.0, 4.35, 2.675]
for i, f in enumerate(FLOATS):
    dump_case(f"float-{i}", {"x": f})
    dump_case(f"float-seq-{i}", [f, -f])
INTS = [0, 1, -1, 7, 42, 91588771, 2**31, -2**31, 2**63 - 1, -2**63, 2**64, 10**30, -(10**25)]
for i, n in enumerate(INTS):
    dump_case(f"int-{i}", {"n": n, "m": [n]})
dump_case("bools", {"t": True, "f": False, "l": [True, False, None]})
dump_case("nulls", {"a": None, "b": [None], "c": {"d": None}})

# Long strings (wrapping at width 80), at several indentation levels and as list items.
rng = random.Random(7)
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
         "kappa", "lambda", "mu", "x", "yy", "a-b", "c_d", "{\"type\":", "\"string\",",
         "[1,", "2]", "true", "3.5", "é", "日本", "'q'", "\"dq\"", "#h", "k:", "-", "??"]


def sentence(n, sep=" "):
    return sep.join(rng.choice(WORDS) for _ in range(n))


for i in range(60):
    n = rng.randint(8, 45)
    s = sentence(n)
    if i % 5 == 1:
        s = s.replace(" ", "  ", 2)
    if i % 7 == 3:
        s = s + " "
    if i % 9 == 4:
        s = s + "\n" + sentence(6)
    if i % 11 == 5:
        s = "\t" + s
    if i % 13 == 6:
        s = s.replace(" ", "\n\n", 1)
    dump_case(f"long-{i}", {"top": s, "nested": {"deeper": {"k": s}}, "list": [s, [s]]})
    if i % 3 == 0:
        dump_case(f"long-uni-{i}", {"top": s, "nested": {"k": s}}, allow_unicode=True)
    if i % 4 == 0:
        dump_case(f"long-w60-{i}", {"top": s}, width=60)

# JSON-in-YAML like MLflow signatures.
SIG = json.dumps([{"type": "string", "name": f"col_{i}", "required": True} for i in range(6)])
dump_case("sig", {"signature": {"inputs": SIG, "outputs": SIG[:90], "params": None}})
dump_case("sig-long-token", {"k": "x" * 200, "l": ["y" * 95 + " " + "z" * 95]})
dump_case("sig-long-token-dq", {"k": "é" * 120 + " " + "ü" * 30})

# Keys: sorting, non-string keys, long keys (simple-key limit 128 incl. the "!!str" tag).
dump_case("sort", {"b": 1, "a": 2, "B": 3, "_": 4, "é": 5, "10": 6, "9": 7, "a b": 8})
dump_case("nosort", {"b": 1, "a": 2, "c": {"z": 1, "y": 2}}, sort_keys=False)
dump_case("int-keys", {3: "c", 1: "a", 2: "b"})
dump_case("bool-keys", {True: "t", False: "f"})
dump_case("float-keys", {1.5: "x", 0.5: "y"})
dump_case("mixed-keys", {"b": 1, 1: 2, "a": 3})
dump_case("null-key", {None: 1})
for n in (118, 120, 121, 122, 123, 124, 130):
    dump_case(f"long-key-{n}", {"k" * n: "v", "a": 1})
dump_case("multiline-key", {"a\nb": 1})
dump_case("empty-key", {"": 1})
dump_case("space-key", {" ": 1, "a b": 2})

# Structures.
dump_case("empty-map", {})
dump_case("empty-list", [])
dump_case("empties", {"m": {}, "l": [], "ll": [[], {}], "n": {"e": {}}})
dump_case("nested-lists", [[1, [2, [3, []]]], {"a": [[{"b": [1]}]]}])
dump_case("list-of-maps", [{"a": 1, "b": [1, 2]}, {"c": {"d": "e"}}])
dump_case("deep", {"a": {"b": {"c": {"d": {"e": {"f": [1, {"g": "h"}]}}}}}})
dump_case("top-int", 5)
dump_case("top-none", None)
dump_case("top-float", 1.5)
dump_case("top-list", ["a", 1, None])
dump_case(
    "mlmodel-like",
    {
        "flavors": {
            "python_function": {
                "env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"},
                "loader_module": "mlflow.pyfunc.model",
                "python_version": "3.11.7",
                "code": None,
                "streamable": False,
            }
        },
        "model_size_bytes": 1624,
        "utc_time_created": "2026-11-29 00:53:57.027125",
        "saved_input_example_info": {"params": "true", "type": "dataframe"},
        "metadata": {"task": "llm/v1/embeddings", "x": [1, 2.5, "3"]},
    },
)
dump_case("conda-like", {"name": "mlflow-env", "channels": ["conda-forge"],
                         "dependencies": ["python=3.11.7", "pip<=26.3",
                                          {"pip": ["mlflow==3.17.2", "cloudpickle==3.1.3"]}]})
dump_case("python-env-like", {"python": "3.11.7", "build_dependencies": ["pip==26.3", "wheel"],
                              "dependencies": ["-r requirements.txt"]}, sort_keys=False)

# Random documents.
def rand_scalar():
    r = rng.random()
    if r < 0.4:
        return rng.choice(TRICKY)
    if r < 0.55:
        return sentence(rng.randint(1, 20))
    if r < 0.65:
        return rng.randint(-10**6, 10**6)
    if r < 0.75:
        return rng.choice(FLOATS)
    if r < 0.85:
        return rng.choice([True, False, None])
    return "".join(chr(rng.choice([rng.randint(32, 126), rng.randint(160, 0x2FF), 10, 9, 0x263A]))
                   for _ in range(rng.randint(0, 30)))


def rand_value(depth):
    r = rng.random()
    if depth > 3 or r < 0.45:
        return rand_scalar()
    if r < 0.7:
        return [rand_value(depth + 1) for _ in range(rng.randint(0, 4))]
    return {str(rand_scalar()) if rng.random() < 0.9 else rng.randint(0, 9): rand_value(depth + 1)
            for _ in range(rng.randint(0, 4))}


for i in range(150):
    doc = {f"k{j}": rand_value(0) for j in range(rng.randint(1, 4))}
    opts = {}
    if i % 4 == 1:
        opts["allow_unicode"] = True
    if i % 6 == 2:
        opts["sort_keys"] = False
    if i % 10 == 3:
        opts["width"] = 40
    dump_case(f"rand-{i}", doc, **opts)

# Parse-only: styles PyYAML can write with other options, and hand-written YAML.
for i in range(30):
    doc = {f"k{j}": rand_value(0) for j in range(rng.randint(1, 3))}
    load_case(f"flow-{i}", yaml.safe_dump(doc, default_flow_style=True))
    load_case(f"flowdefault-{i}", yaml.safe_dump(doc, default_flow_style=None))
    load_case(f"dq-{i}", yaml.safe_dump(doc, default_style='"'))
    load_case(f"literal-{i}", yaml.safe_dump(doc, default_style="|"))
    load_case(f"folded-{i}", yaml.safe_dump(doc, default_style=">"))
    load_case(f"canonical-{i}", yaml.safe_dump(doc, canonical=True))
    load_case(f"indent4-{i}", yaml.safe_dump(doc, indent=4, width=30, explicit_start=True))

HAND = [
    "a: 1\nb: [1, 2, {c: d}]\n",
    "plain: this is\n  folded over\n  lines\n",
    "lit: |\n  line1\n  line2\n\n  line4\nnext: x\n",
    "keep: |+\n  a\n\nstrip: |-\n  b\nfold: >\n  a\n  b\n\n  c\n",
    "sq: 'it''s'\ndq: \"tab\\there\\u00e9\\x41\\U0001F600\"\n",
    "q: 'a\n\n  b\n  c'\n",
    "\"quoted key\": 1\n'single': 2\n? complex\n: 3\n",
    "- a\n-   - b\n    - c\n- k: v\n  k2: v2\n",
    "n1: ~\nn2: null\nn3:\nn4: Null\n",
    "b: [yes, No, on, OFF, true, False]\n",
    "i: [0x1F, 0o17, 017, 0b11, 1_000, 190:20:30, -0, +5]\n",
    "f: [1.5, .5, 1.0e+3, 1e3, .inf, -.Inf, .NaN, 1_0.5, 1:30.5]\n",
    "t: 2001-12-14\n",
    "s: !!str 123\ni: !!int '7'\nf: !!float '1'\nb: !!bool 'yes'\nz: !!null ''\n",
    "# comment\na: 1 # trailing\n",
    "--- \na: 1\n...\n",
    "",
    "---\n",
    "a: &x 1\nb: *x\n",
    "a: [1, 2\n",
    "a: 1\na: 2\n",
    "a: b: c\n",
    "- a\nb: c\n",
    "a: !!python/object:foo {}\n",
    "--- a\n--- b\n",
    "v: =\n",
    "{a: 1, b: [x, y], c: {d: 'e'}}\n",
    "[1, 2, 3]\n",
    "a:\n  - 1\n  - 2\nb:\n- 3\n",
    "k: \"multi\n  line\\\n  \\ escaped\"\n",
    "key with spaces: value with: colon\n",
    "a: 'unterminated\n",
    "\ta: 1\n",
    "a:\n\tb: 1\n",
]
for i, text in enumerate(HAND):
    load_case(f"hand-{i}", text)

for line in out:
    sys.stdout.write(json.dumps(line, ensure_ascii=True) + "\n")
