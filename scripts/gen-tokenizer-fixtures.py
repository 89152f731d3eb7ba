#!/usr/bin/env python3
"""Builds the tokenizer fixtures under fixtures/tokenizers/ (run once by a developer; outputs committed).

Tiny tokenizers of each `tokenizer.json` model type mlpack runs natively, and reference token ids written by
Hugging Face `tokenizers` for the texts of fixtures/embeddings/tokenizer_cases.jsonl plus the extra texts of
fixtures/tokenizers/extra_texts.jsonl (CJK, accents, combining marks, emoji, controls, whitespace runs, the
empty string, texts longer than the truncation length, special tokens in the text).

Tokenizers (one directory each, `tokenizer.json` + `expected.jsonl`):
  unigram-nfkc      Unigram trained by `tokenizers`; normalizer Sequence[NFKC, Replace(string), Replace(regex),
                    Lowercase, Strip]; Metaspace (prepend_scheme first); TemplateProcessing with type ids.
  spm-xlmr          Unigram trained by `sentencepiece` with a compiled normalization rule set (a real
                    precompiled charsmap: NFKC of Latin/Greek/Cyrillic/punctuation/CJK-compatibility/fullwidth
                    characters, composed accents, controls to spaces), converted by transformers'
                    XLMRobertaConverter: Precompiled, Strip, Replace; Metaspace; `<s> A </s></s> B </s>`.
  spm-bytefallback  The same SentencePiece model (byte_fallback on) converted by transformers'
                    build_tokenizer_from_spm_proto: Precompiled + regex Replaces, Metaspace(split=false),
                    byte fallback; a TemplateProcessing added here.
  bpe-roberta       Byte-level BPE trained by `tokenizers` (ByteLevel, add_prefix_space false),
                    RobertaProcessing, `<mask>` with lstrip as in RoBERTa.
  bpe-gpt2          Byte-level BPE (ByteLevel add_prefix_space true), NFC normalizer, a normalized non-special
                    added token, TemplateProcessing with pair type ids.

Each line of expected.jsonl: {"a": text id, "b": text id (pairs only), "max_length": n or null,
"ids": [...], "type_ids": [...] (pairs only; single texts have all-zero type ids)} — ids from `Tokenizer.from_file(tokenizer.json)` with
`enable_truncation(max_length)` (longest_first) or no truncation, `no_padding()`.

Usage: python scripts/gen-tokenizer-fixtures.py   (needs tokenizers, transformers, sentencepiece, protobuf)
"""
import base64
import json
import os
import random
import shutil
import sys
import tempfile
import types
import unicodedata

import sentencepiece as spm
import sentencepiece.sentencepiece_model_pb2 as spm_pb
import tokenizers
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from tokenizers import AddedToken
from transformers.convert_slow_tokenizer import SpmConverter, XLMRobertaConverter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures", "tokenizers")
CASES = os.path.join(ROOT, "fixtures", "embeddings", "tokenizer_cases.jsonl")
BENCH = os.path.join(ROOT, "fixtures", "embeddings", "bench_sentences.txt")

random.seed(15)


def corpus():
    """Training text: the benchmark sentences plus every fixture text (so scripts beyond Latin get pieces)."""
    lines = [l.rstrip("\n") for l in open(BENCH, encoding="utf-8")]
    lines += [json.loads(l)["text"] for l in open(CASES, "rb").read().split(b"\n") if l]
    lines += [
        "Ça coûte cher à Zürich, señor; naïve façade, crème brûlée.",
        "Москва — столица России. Ελληνικά γράμματα. 東京は日本の首都です。北京欢迎你。서울은 한국의 수도입니다.",
        "The model's tokens aren't what we'd expect, they're 'quoted' and it'll be fine; I've seen I'm.",
    ] * 20
    return lines


def extra_texts():
    long_words = " ".join(["tokenization"] * 300)
    long_mixed = " ".join(["Zürich 東京 naïve 😀 co-operation"] * 80)
    texts = [
        ("x000", ""),
        ("x001", " "),
        ("x002", "   leading and trailing   "),
        ("x003", "multiple    spaces\tand\ttabs\nand\nnewlines\r\nhere"),
        ("x004", "e\u0301 a\u0300 o\u0308 n\u0303 c\u0327 (decomposed accents)"),
        ("x005", "\u00e9 \u00e0 \u00f6 \u00f1 \u00e7 (composed accents)"),
        ("x006", "a\u0301\u0302\u0303\u0304 stacked marks x\u0336\u0336 strike"),
        ("x007", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３ ！？ and ﬁ ﬂ ligatures ① ㍿ ㎏"),
        ("x008", "emoji 😀😃 👍🏽 👨‍👩‍👧 🇯🇵 ❤️ 🏳️‍🌈"),
        ("x009", "controls \x00 \x01 \x07 \x1b[31m \x7f \u0085 \u200b\u200d\u2060 \ufeff end"),
        ("x010", "东京和北京 中文字符 漢字 𠀋 𪚲 ひらがな カタカナ ｶﾀｶﾅ 한국어"),
        ("x011", "<s> special </s> tokens <mask> in <pad> text <unk>"),
        ("x012", "no-space<mask>glued</s>here"),
        ("x013", "   <mask>   spaced mask   "),
        ("x014", "It's we're they've I'm you'll he'd 'quoted' ''double''"),
        ("x015", "numbers 3.14159 1,000,000 ١٢٣ ४५६ ⅷ ²³"),
        ("x016", "Ünïcödé ÀÉÎÕÜ ß ẞ ǅ Σίσυφος ΟΔΥΣΣΕΥΣ"),
        ("x017", long_words),
        ("x018", long_mixed),
        ("x019", "\u3000ideographic\u3000space\u00a0nbsp\u2028line\u2029para\u000bvt\u000cff"),
        ("x020", "Rare chars for byte fallback: ☃ ♞ ⚙ ⌘ ∮ ℵ ᚠ ꙮ 𝔘𝔫𝔦"),
        ("x021", "hello" + "!" * 40 + "?" * 40),
        ("x022", "a" * 500),
        ("x023", "▁ already metaspace ▁▁ chars ▁"),
        ("x024", "mixed\u00a0\u00a0nbsp  runs  \u3000\u3000 here"),
        ("x025", "ＴＨＥ　ＦＵＬＬ　ＷＩＤＴＨ　ＳＥＮＴＥＮＣＥ"),
        ("x026", "hangul jamo \u1100\u1161\u11a8 vs \uac01; arabic \u0627\u064e\u0644\u0652 hebrew \u05e9\u05c1\u05b8"),
        ("x027", "tokenizers and specialtoken wordtoken"),
        ("x028", "Tokenizers SPECIALTOKEN WordToken"),
        ("x029", "\t\n  \r\n"),
    ]
    return texts


def train_unigram_nfkc(lines, path):
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([
        normalizers.NFKC(),
        normalizers.Replace("``", '"'),
        normalizers.Replace(Regex(r"\s{2,}"), " "),
        normalizers.Lowercase(),
        normalizers.Strip(left=True, right=True),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    trainer = trainers.UnigramTrainer(
        vocab_size=1200, special_tokens=["<pad>", "<unk>", "<s>", "</s>", "<mask>"], unk_token="<unk>",
        shrinking_factor=0.75, max_piece_length=12)
    tok.train_from_iterator(lines, trainer)
    s, e = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    tok.post_processor = processors.TemplateProcessing(
        single="<s>:0 $A:0 </s>:0", pair="<s>:0 $A:0 </s>:0 $B:1 </s>:1", special_tokens=[("<s>", s), ("</s>", e)])
    tok.decoder = decoders.Metaspace()
    tok.save(path)


def nfkc_rules(texts):
    """A SentencePiece normalization rule TSV: NFKC for several blocks and the fixture texts' characters,
    composed accents (two-code-point keys), controls to a space."""
    rules = {}
    chars = set()
    for t in texts:
        chars.update(ord(c) for c in t)
    ranges = [(0xA0, 0x4FF), (0x2000, 0x33FF), (0xFB00, 0xFB4F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]
    cps = set(chars)
    for lo, hi in ranges:
        cps.update(range(lo, hi + 1))
    for c in sorted(cps):
        if 0xD800 <= c <= 0xDFFF or c < 0x20:
            continue
        n = unicodedata.normalize("NFKC", chr(c))
        if n and n != chr(c):
            rules[(c,)] = tuple(ord(x) for x in n)
    for base in "aeiouncyAEIOUNCY":
        for mark in (0x300, 0x301, 0x302, 0x303, 0x308, 0x30A, 0x327):
            s = base + chr(mark)
            n = unicodedata.normalize("NFKC", s)
            if len(n) == 1:
                rules[tuple(ord(x) for x in s)] = (ord(n),)
    for c in list(range(0x01, 0x09)) + [0x0B, 0x0C, 0x0E, 0x0F] + list(range(0x10, 0x20)) + [0x7F]:
        rules[(c,)] = (0x20,)
    for c in (0x09, 0x0A, 0x0D):
        rules[(c,)] = (0x20,)
    return "".join(
        " ".join("%04X" % x for x in k) + "\t" + " ".join("%04X" % x for x in v) + "\n" for k, v in sorted(rules.items()))


def train_sentencepiece(lines, texts, workdir):
    rules = os.path.join(workdir, "rules.tsv")
    with open(rules, "w", encoding="utf-8") as f:
        f.write(nfkc_rules(texts))
    prefix = os.path.join(workdir, "spm")
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=prefix, vocab_size=1000, model_type="unigram",
        normalization_rule_tsv=rules, byte_fallback=True, character_coverage=0.9995, minloglevel=2)
    proto = spm_pb.ModelProto()
    with open(prefix + ".model", "rb") as f:
        proto.ParseFromString(f.read())
    return prefix + ".model", proto


def convert_xlmr(model_file, proto, path):
    vocab = XLMRobertaConverter.vocab(None, proto)
    ids = {p: i for i, (p, _) in enumerate(vocab)}
    original = types.SimpleNamespace(
        vocab_file=model_file, convert_tokens_to_ids=lambda t: ids[t], legacy=True, add_prefix_space=True)
    tok = XLMRobertaConverter(original).converted()
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    tok.save(path)


def convert_bytefallback(proto, path):
    vocab = [(p.piece, p.score) for p in proto.pieces]
    tok = SpmConverter.build_tokenizer_from_spm_proto(proto, vocab)
    tok.add_special_tokens([AddedToken(p.piece, special=True, normalized=False) for p in proto.pieces if p.type == 3])
    bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> $B:1 </s>:1", special_tokens=[("<s>", bos), ("</s>", eos)])
    tok.save(path)


def train_bpe_roberta(lines, path):
    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=1500, min_frequency=2, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(lines, trainer)
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    tok.post_processor = processors.RobertaProcessing(
        ("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")), trim_offsets=True,
        add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.save(path)


def train_bpe_gpt2(lines, path):
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    trainer = trainers.BpeTrainer(
        vocab_size=1200, min_frequency=2, special_tokens=["<|endoftext|>", "[CLS]", "[SEP]"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(lines, trainer)
    # A non-special token matched in the normalized text, and one that must stand alone as a word.
    tok.add_tokens([AddedToken("specialtoken", normalized=True), AddedToken("wordtoken", single_word=True)])
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    tok.decoder = decoders.ByteLevel()
    tok.save(path)


def references(tokenizer_file, texts, pairs, runs):
    """`runs`: (max_length or None, text ids or None for all, whether to include the pairs)."""
    tok = Tokenizer.from_file(tokenizer_file)
    tok.no_padding()
    by_id = dict(texts)
    out = []
    for max_length, only, with_pairs in runs:
        if max_length is None:
            tok.no_truncation()
        else:
            tok.enable_truncation(max_length=max_length)
        for tid, text in texts:
            if only is not None and tid not in only:
                continue
            e = tok.encode(text)
            assert set(e.type_ids) <= {0}
            out.append({"a": tid, "max_length": max_length, "ids": e.ids})
        for a, b in pairs if with_pairs else []:
            e = tok.encode(by_id[a], by_id[b])
            out.append({"a": a, "b": b, "max_length": max_length, "ids": e.ids, "type_ids": e.type_ids})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = [json.loads(l) for l in open(CASES, "rb").read().split(b"\n") if l]
    extras = extra_texts()
    with open(os.path.join(OUT, "extra_texts.jsonl"), "w", encoding="ascii") as f:
        for tid, text in extras:
            f.write(json.dumps({"id": tid, "text": text}, ensure_ascii=True) + "\n")
    texts = [(c["id"], c["text"]) for c in cases] + extras
    ids = [t for t, _ in texts]
    # Pairs: neighbours, random ones, and long-with-long / long-with-short (longest_first truncation).
    pairs = [(ids[i], ids[i + 1]) for i in range(0, len(ids) - 1, 7)]
    pairs += [tuple(random.sample(ids, 2)) for _ in range(40)]
    pairs += [("x017", "x018"), ("x018", "x017"), ("x017", "x000"), ("x000", "x018"), ("x022", "x017"),
              ("x011", "x013"), ("x000", "x000")]
    lines = corpus()
    work = tempfile.mkdtemp()
    try:
        builds = {}
        path = lambda name: os.path.join(OUT, name, "tokenizer.json")
        for name in ("unigram-nfkc", "spm-xlmr", "spm-bytefallback", "bpe-roberta", "bpe-gpt2"):
            os.makedirs(os.path.join(OUT, name), exist_ok=True)
        train_unigram_nfkc(lines, path("unigram-nfkc"))
        model_file, proto = train_sentencepiece(lines, [t for _, t in texts], work)
        convert_xlmr(model_file, proto, path("spm-xlmr"))
        convert_bytefallback(proto, path("spm-bytefallback"))
        train_bpe_roberta(lines, path("bpe-roberta"))
        train_bpe_gpt2(lines, path("bpe-gpt2"))
        for name in ("unigram-nfkc", "spm-xlmr", "spm-bytefallback", "bpe-roberta", "bpe-gpt2"):
            # Short lengths make truncation (and odd-length pair splits) common; None checks no truncation.
            refs = references(path(name), texts, pairs, [
                (128, None, True), (17, None, True), (None, {t for t, _ in extras}, False)])
            with open(os.path.join(OUT, name, "expected.jsonl"), "w", encoding="ascii") as f:
                for r in refs:
                    f.write(json.dumps(r, separators=(",", ":")) + "\n")
            size = os.path.getsize(path(name))
            print(f"{name}: tokenizer.json {size} bytes, {len(refs)} references", file=sys.stderr)
            assert size < 300_000 and os.path.getsize(os.path.join(OUT, name, "expected.jsonl")) < 300_000, name
    finally:
        shutil.rmtree(work)
    with open(os.path.join(OUT, "VERSIONS"), "w") as f:
        f.write(f"tokenizers {tokenizers.__version__}\nsentencepiece {spm.__version__}\n")


if __name__ == "__main__":
    main()
