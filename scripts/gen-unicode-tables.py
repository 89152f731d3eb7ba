#!/usr/bin/env python3
"""Generates Sources/MLPackTokenizer/UnicodeTables.swift: the Unicode data the BERT normalizer and
pre-tokenizer need, reproducing what Hugging Face `tokenizers` (Rust) does.

Facts this reproduces:
* `tokenizers` asks the crate `unicode_categories` 0.1.1 for general categories (clean_text:
  Cc | Cf | Co; punctuation: P*; strip_accents: Mn). That crate's tables were generated from
  UnicodeData.txt 8.0.0, so code points that became Cf / Mn / P* after Unicode 8.0 are not in those
  categories for `tokenizers`; a few code points changed category since then. Python 3.11 ships
  Unicode 14.0.0, so the differences (computed once against the crate's tables) are listed below
  and applied to Python's data.
* NFD (canonical decomposition + canonical ordering) and per-character full lower-case mapping
  (`char::to_lowercase`, no context) come from Python's `unicodedata` / `str.lower` per scalar.
* White_Space is the Unicode property Rust's `char::is_whitespace` uses (stable since 6.x).

Run: python3 scripts/gen-unicode-tables.py > Sources/MLPackTokenizer/UnicodeTables.swift
"""
import sys
import unicodedata

assert unicodedata.unidata_version == "14.0.0", unicodedata.unidata_version

# Code points in Python's (Unicode 14.0) category that the Unicode 8.0 tables do not have, and back.
CF_NOT_IN_8 = [(0x890, 0x891), (0x8E2, 0x8E2), (0x110CD, 0x110CD), (0x13430, 0x13438)]
MN_NOT_IN_8 = [
    (0x7FD, 0x7FD), (0x898, 0x89F), (0x8CA, 0x8E1), (0x9FE, 0x9FE), (0xAFA, 0xAFF), (0xB55, 0xB55),
    (0xC04, 0xC04), (0xC3C, 0xC3C), (0xD00, 0xD00), (0xD3B, 0xD3C), (0xD81, 0xD81), (0xEBA, 0xEBA),
    (0x180F, 0x180F), (0x1885, 0x1886), (0x1ABF, 0x1ACE), (0x1DF6, 0x1DFB), (0xA82C, 0xA82C),
    (0xA8C5, 0xA8C5), (0xA8FF, 0xA8FF), (0xA9BD, 0xA9BD), (0x10D24, 0x10D27), (0x10EAB, 0x10EAC),
    (0x10F46, 0x10F50), (0x10F82, 0x10F85), (0x11070, 0x11070), (0x11073, 0x11074), (0x110C2, 0x110C2),
    (0x111C9, 0x111C9), (0x111CF, 0x111CF), (0x1123E, 0x1123E), (0x1133B, 0x1133B), (0x11438, 0x1143F),
    (0x11442, 0x11444), (0x11446, 0x11446), (0x1145E, 0x1145E), (0x1182F, 0x11837), (0x11839, 0x1183A),
    (0x1193B, 0x1193C), (0x1193E, 0x1193E), (0x11943, 0x11943), (0x119D4, 0x119D7), (0x119DA, 0x119DB),
    (0x119E0, 0x119E0), (0x11A01, 0x11A0A), (0x11A33, 0x11A38), (0x11A3B, 0x11A3E), (0x11A47, 0x11A47),
    (0x11A51, 0x11A56), (0x11A59, 0x11A5B), (0x11A8A, 0x11A96), (0x11A98, 0x11A99), (0x11C30, 0x11C36),
    (0x11C38, 0x11C3D), (0x11C3F, 0x11C3F), (0x11C92, 0x11CA7), (0x11CAA, 0x11CB0), (0x11CB2, 0x11CB3),
    (0x11CB5, 0x11CB6), (0x11D31, 0x11D36), (0x11D3A, 0x11D3A), (0x11D3C, 0x11D3D), (0x11D3F, 0x11D45),
    (0x11D47, 0x11D47), (0x11D90, 0x11D91), (0x11D95, 0x11D95), (0x11D97, 0x11D97), (0x11EF3, 0x11EF4),
    (0x16F4F, 0x16F4F), (0x16FE4, 0x16FE4), (0x1CF00, 0x1CF2D), (0x1CF30, 0x1CF46), (0x1E000, 0x1E006),
    (0x1E008, 0x1E018), (0x1E01B, 0x1E021), (0x1E023, 0x1E024), (0x1E026, 0x1E02A), (0x1E130, 0x1E136),
    (0x1E2AE, 0x1E2AE), (0x1E2EC, 0x1E2EF), (0x1E944, 0x1E94A),
]
MN_ONLY_IN_8 = [(0x1734, 0x1734)]
P_NOT_IN_8 = [
    (0x61D, 0x61D), (0x9FD, 0x9FD), (0xA76, 0xA76), (0xC77, 0xC77), (0xC84, 0xC84), (0x1B7D, 0x1B7E),
    (0x2E43, 0x2E4F), (0x2E52, 0x2E5D), (0x10EAD, 0x10EAD), (0x10F55, 0x10F59), (0x10F86, 0x10F89),
    (0x1144B, 0x1144F), (0x1145A, 0x1145B), (0x1145D, 0x1145D), (0x11660, 0x1166C), (0x116B9, 0x116B9),
    (0x1183B, 0x1183B), (0x11944, 0x11946), (0x119E2, 0x119E2), (0x11A3F, 0x11A46), (0x11A9A, 0x11A9C),
    (0x11A9E, 0x11AA2), (0x11C41, 0x11C45), (0x11C70, 0x11C71), (0x11EF7, 0x11EF8), (0x11FFF, 0x11FFF),
    (0x12FF1, 0x12FF2), (0x16E97, 0x16E9A), (0x16FE2, 0x16FE2), (0x1E95E, 0x1E95F),
]
P_ONLY_IN_8 = [(0x166D, 0x166D), (0x111C9, 0x111C9)]
WHITE_SPACE = [(0x9, 0xD), (0x20, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
               (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000)]


def expand(ranges):
    return {c for a, b in ranges for c in range(a, b + 1)}


def category_set(cats):
    return {c for c in range(0x110000) if unicodedata.category(chr(c)) in cats}


def to_ranges(points):
    out = []
    for c in sorted(points):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def emit_ranges(name, doc, points):
    rs = to_ranges(points)
    flat = ", ".join(f"0x{a:X}, 0x{b:X}" for a, b in rs)
    return f"    /// {doc} ({len(rs)} ranges, flattened start/end pairs, sorted).\n" \
           f"    static let {name}: [UInt32] = [{flat}]\n"


def main():
    other = category_set({"Cc", "Co"}) | (category_set({"Cf"}) - expand(CF_NOT_IN_8))
    punct = (category_set({"Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps"}) - expand(P_NOT_IN_8)) | expand(P_ONLY_IN_8)
    mn = (category_set({"Mn"}) - expand(MN_NOT_IN_8)) | expand(MN_ONLY_IN_8)

    lower_keys, lower_offsets, lower_values = [], [0], []
    decomp_keys, decomp_offsets, decomp_values = [], [0], []
    ccc = []
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        ch = chr(c)
        lo = ch.lower()
        if lo != ch:
            lower_keys.append(c)
            lower_values.extend(ord(x) for x in lo)
            lower_offsets.append(len(lower_values))
        if not (0xAC00 <= c <= 0xD7A3):  # Hangul syllables are decomposed arithmetically
            d = unicodedata.normalize("NFD", ch)
            if d != ch:
                decomp_keys.append(c)
                decomp_values.extend(ord(x) for x in d)
                decomp_offsets.append(len(decomp_values))
        k = unicodedata.combining(ch)
        if k:
            if ccc and ccc[-1][1] == c - 1 and ccc[-1][2] == k:
                ccc[-1][1] = c
            else:
                ccc.append([c, c, k])

    def arr(xs):
        return ", ".join(f"0x{x:X}" for x in xs)

    out = sys.stdout
    out.write("// Generated by scripts/gen-unicode-tables.py from Python's unicodedata "
              f"{unicodedata.unidata_version}\n// with the Unicode 8.0 category corrections that "
              "reproduce Hugging Face `tokenizers`. Do not edit.\n\n")
    out.write("enum UnicodeTables {\n")
    out.write(emit_ranges("other", "Cc, Cf, Co as `tokenizers` sees them (clean_text deletes these)", other))
    out.write(emit_ranges("punctuation", "General category P* as `tokenizers` sees it", punct))
    out.write(emit_ranges("nonspacingMark", "General category Mn as `tokenizers` sees it", mn))
    out.write(emit_ranges("whiteSpace", "Unicode White_Space (Rust `char::is_whitespace`)", expand(WHITE_SPACE)))
    out.write(f"    /// Scalars whose full lower-case mapping differs from themselves, sorted.\n"
              f"    static let lowerKeys: [UInt32] = [{arr(lower_keys)}]\n")
    out.write(f"    /// `lowerValues[lowerOffsets[i]..<lowerOffsets[i+1]]` is the mapping of `lowerKeys[i]`.\n"
              f"    static let lowerOffsets: [UInt16] = [{arr(lower_offsets)}]\n")
    out.write(f"    static let lowerValues: [UInt32] = [{arr(lower_values)}]\n")
    out.write(f"    /// Scalars with a canonical decomposition (full NFD), Hangul syllables excluded, sorted.\n"
              f"    static let decompositionKeys: [UInt32] = [{arr(decomp_keys)}]\n")
    out.write(f"    static let decompositionOffsets: [UInt16] = [{arr(decomp_offsets)}]\n")
    out.write(f"    static let decompositionValues: [UInt32] = [{arr(decomp_values)}]\n")
    flat = ", ".join(f"0x{a:X}, 0x{b:X}, {k}" for a, b, k in ccc)
    out.write(f"    /// Canonical combining class: flattened (start, end, class) triples, sorted.\n"
              f"    static let combiningClass: [UInt32] = [{flat}]\n")
    out.write("}\n")


main()
