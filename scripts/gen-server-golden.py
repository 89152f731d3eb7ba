#!/usr/bin/env python3
"""Golden data for MLPackServer's Python-compatible JSON handling.

Writes fixtures/server/json-decode.jsonl: for each body, what Python's json.loads says
(`ok` with the top-level type, or the JSONDecodeError text `msg: line L column C (char P)`),
and fixtures/server/json-quote.jsonl: json.dumps(s) for strings with escapes and non-ASCII.
Bodies are given to json.loads as str (the server checks UTF-8 and skips a BOM first, as
json.loads(bytes) does). Run with the machine's Python 3.11 (MLflow 3.17.2's fixtures were produced with 3.11.7).
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures", "server")

BODIES = [
    '{"dataframe_records": [',
    '',
    '   ',
    '{',
    '{}',
    '[]',
    '{"a" 1}',
    '{"a": }',
    '{"a": 1,}',
    '{"a": 1 "b": 2}',
    '[1, 2,]',
    '[1 2]',
    '{"a": [1, 2}',
    '{"a": 1}}',
    '{"a": 1} x',
    '{a: 1}',
    "{'a': 1}",
    '"unterminated',
    '"bad \\q escape"',
    '"bad \\u12G4 escape"',
    '"short \\u12"',
    '"\\u00e9t\\u00e9"',
    '"tab\tinside"',
    '"line\nbreak"',
    '{"inputs": [NaN, Infinity, -Infinity]}',
    '{"inputs": [nan]}',
    '{"inputs": [-]}',
    '{"inputs": [01]}',
    '{"inputs": [1.]}',
    '{"inputs": [1e]}',
    '{"inputs": [1e5, -0.5E-3, 2E+2]}',
    '{"inputs": [tru]}',
    '{"inputs": [true, false, null]}',
    '{"caf\u00e9": "\u00e9\u00e9", "x": [}',
    '{\n  "inputs": [\n    1,\n    ]\n}',
    '{"a":\r\n 1,\r\n "b": @}',
    '12',
    '12 13',
    '"text"',
    'null',
    '{"\\ud83d\\ude00": 1}',
    '[[[[[]]]]]',
    '{"inputs": "x", "inputs": 2}',
    '{"a": "\\/\\b\\f\\n\\r\\t\\"\\\\"}',
    '{"a": "\x7f"}',
    '{"a": "\x1f"}',
]

QUOTES = [
    "plain",
    'quote " and backslash \\',
    "newline\n tab\t cr\r backspace\b formfeed\f",
    "control \x01 \x1f del \x7f",
    "caf\u00e9 \u00fc\u00df",
    "emoji \U0001F600",
    "slash / stays",
    "",
]


def python_type(value):
    return type(value).__name__


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "json-decode.jsonl"), "w", encoding="utf-8") as out:
        for body in BODIES:
            try:
                value = json.loads(body)
                case = {"body": body, "ok": True, "type": python_type(value)}
            except json.JSONDecodeError as error:
                case = {"body": body, "ok": False, "error": str(error)}
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "json-quote.jsonl"), "w", encoding="utf-8") as out:
        for text in QUOTES:
            out.write(json.dumps({"text": text, "dumps": json.dumps(text)}, ensure_ascii=False) + "\n")
    print(f"python {sys.version.split()[0]}: wrote {len(BODIES)} decode and {len(QUOTES)} quote cases to {OUT}")


if __name__ == "__main__":
    main()
