#!/usr/bin/env python3
"""Builds tiny random sentence-transformers models of the non-BERT encoders mlpack runs (MPNet,
RoBERTa, XLM-RoBERTa, DistilBERT) and their references; run once by a developer, outputs committed
under fixtures/embeddings/tiny-<arch>/.

    /work/main/bench/.venv/bin/python scripts/gen-arch-fixtures.py

Nothing is downloaded: configs are written here, weights are random (fixed seeds), tokenizers are
trained with `tokenizers` on the repository's fixture texts.

Per architecture:
  model/                 the sentence-transformers directory (Transformer → mean Pooling → Normalize)
                         with a WordPiece tokenizer.json (what mlpack's tokenizer reads today)
  variants/{cls,max}/1_Pooling/config.json   the other pooling modes
  reference.jsonl        id, text, input_ids (from SentenceTransformer.tokenize)
  reference_{mode}.npy / reference_{mode}_raw.npy   model.encode with / without Normalize
  token_embeddings.npy   last hidden state of every case, rows concatenated in case order
RoBERTa and XLM-RoBERTa also carry their own tokenizer type, trained here (byte-level BPE with
RobertaProcessing; Unigram with NFKC and Metaspace), in native/tokenizer.json, and references
computed from its ids through the same model:
  native/reference.jsonl  id, text, input_ids (HF `tokenizers`, truncated to max_seq_length)
  native/reference_{mode}.npy / native/reference_{mode}_raw.npy
Also, mpnet/relative_buckets.json: torch's MPNet bucket of every relative position -600..600.
"""
import json
import math
import os
import shutil
import sys
import tempfile

import numpy as np
import torch
from safetensors.torch import load_file
from sentence_transformers import SentenceTransformer, models
from tokenizers import Tokenizer, decoders, models as tmodels, normalizers, pre_tokenizers, processors, trainers
from transformers import (AutoConfig, AutoModel, DistilBertConfig, MPNetConfig, PreTrainedTokenizerFast,
                          RobertaConfig, XLMRobertaConfig)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMB = os.path.join(ROOT, "fixtures", "embeddings")
MAX_SEQ = 300  # beyond MPNet's max_distance 128 and the short-attention limit


def corpus(english_only=False):
    lines = [l.rstrip("\n") for l in open(os.path.join(EMB, "bench_sentences.txt"), encoding="utf-8")]
    if english_only:  # the Unigram trainer keeps every character: no room for all scripts in 600 pieces
        return lines
    for line in open(os.path.join(EMB, "embedding_cases.jsonl"), encoding="utf-8"):
        lines.append(json.loads(line)["text"])
    return lines


def cases():
    out = []
    for line in open(os.path.join(EMB, "tiny-bert", "reference.jsonl"), encoding="utf-8"):
        c = json.loads(line)
        out.append({"id": c["id"], "text": c["text"]})
    # A literal padding token inside a text (RoBERTa/MPNet positions skip it), and a text longer than
    # max_seq_length (truncation; relative distances beyond 128).
    out.append({"id": "a000", "text": "before <pad> after <pad> end"})
    out.append({"id": "a001", "text": " ".join(["the model reads sentence number %d again" % i for i in range(60)])})
    return out


def wordpiece(specials, unk, template):
    tok = Tokenizer(tmodels.WordPiece(unk_token=unk, max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=480, special_tokens=specials, limit_alphabet=160)
    tok.train_from_iterator(corpus(), trainer)
    tok.post_processor = template(tok)
    return tok


def bert_template(tok):
    return processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])


def roberta_template(tok):
    return processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))])


def roberta_processing(tok):
    # What the real all-mpnet-base-v2 tokenizer.json carries.
    return processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")))


def byte_level_bpe():
    tok = Tokenizer(tmodels.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(), trainer)
    tok.post_processor = processors.RobertaProcessing(
        ("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")), trim_offsets=True,
        add_prefix_space=False)
    return tok


def unigram():
    tok = Tokenizer(tmodels.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace("  ", " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(vocab_size=600, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
                                      unk_token="<unk>")
    tok.train_from_iterator(corpus(english_only=True), trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))])
    return tok


def special_kwargs(bert_style):
    if bert_style:
        return dict(unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]")
    return dict(bos_token="<s>", eos_token="</s>", unk_token="<unk>", sep_token="</s>", pad_token="<pad>",
                cls_token="<s>", mask_token="<mask>")


ARCHS = {
    # name: (config factory, WordPiece specials, unk, template, bert-style specials, native tokenizer)
    "mpnet": (lambda v: MPNetConfig(vocab_size=v, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                                    intermediate_size=64, max_position_embeddings=514, layer_norm_eps=1e-5,
                                    relative_attention_num_buckets=32, pad_token_id=1),
              ["<s>", "<pad>", "</s>", "<unk>", "[UNK]", "<mask>"], "[UNK]", roberta_processing, False, None),
    "roberta": (lambda v: RobertaConfig(vocab_size=v, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                                        intermediate_size=64, max_position_embeddings=514, type_vocab_size=1,
                                        layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2),
                ["<s>", "<pad>", "</s>", "<unk>", "<mask>"], "<unk>", roberta_template, False, byte_level_bpe),
    "xlm-roberta": (lambda v: XLMRobertaConfig(vocab_size=v, hidden_size=32, num_hidden_layers=2,
                                               num_attention_heads=4, intermediate_size=64,
                                               max_position_embeddings=514, type_vocab_size=1, layer_norm_eps=1e-5,
                                               pad_token_id=1, bos_token_id=0, eos_token_id=2),
                    ["<s>", "<pad>", "</s>", "<unk>", "<mask>"], "<unk>", roberta_template, False, unigram),
    "distilbert": (lambda v: DistilBertConfig(vocab_size=v, dim=32, n_layers=2, n_heads=4, hidden_dim=64,
                                              max_position_embeddings=512, sinusoidal_pos_embds=True,
                                              activation="gelu", pad_token_id=0),
                   ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], "[UNK]", bert_template, True, None),
}


def pooling_config(mode):
    return {"word_embedding_dimension": 32, "pooling_mode_cls_token": mode == "cls",
            "pooling_mode_mean_tokens": mode == "mean", "pooling_mode_max_tokens": mode == "max",
            "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False, "include_prompt": True}


def with_pooling(model_dir, mode, normalize):
    """A SentenceTransformer of the saved directory with another pooling mode / without Normalize."""
    st = SentenceTransformer(model_dir, device="cpu")
    mods = [st[0], models.Pooling(32, pooling_mode=mode)]
    if normalize:
        mods.append(models.Normalize())
    out = SentenceTransformer(modules=mods, device="cpu")
    out.eval()
    return out


def run_ids(st, ids):
    """The modules of `st` on one id sequence: (token embeddings, pooled before Normalize, final)."""
    feats = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long)}
    with torch.no_grad():
        feats = st[0](feats)
        tokens = feats["token_embeddings"][0].clone()
        feats = st[1](feats)
        pooled = feats["sentence_embedding"][0].clone()
        for m in list(st)[2:]:
            feats = m(feats)
    return tokens.numpy(), pooled.numpy(), feats["sentence_embedding"][0].numpy()


def build(arch):
    make_config, specials, unk, template, bert_style, native = ARCHS[arch]
    out = os.path.join(EMB, "tiny-" + arch)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    tok = wordpiece(specials, unk, template)
    native_tok = native() if native else None
    vocab = max(tok.get_vocab_size(), native_tok.get_vocab_size() if native_tok else 0)
    torch.manual_seed(20240611)
    config = make_config(vocab)
    model = AutoModel.from_config(config)
    # Random LayerNorm parameters and relative bias (the defaults, ones and zeros, hide mistakes).
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm" in name or "layer_norm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + 0.2 * torch.randn_like(p))
            if "relative_attention_bias" in name:
                p.copy_(torch.randn_like(p))
    model.eval()

    with tempfile.TemporaryDirectory() as tmp:
        hf = os.path.join(tmp, "hf")
        model.save_pretrained(hf)
        fast = PreTrainedTokenizerFast(tokenizer_object=tok, model_max_length=512, **special_kwargs(bert_style))
        fast.save_pretrained(hf)
        transformer = models.Transformer(hf, max_seq_length=MAX_SEQ)
        st = SentenceTransformer(modules=[transformer, models.Pooling(32, pooling_mode="mean"), models.Normalize()],
                                 device="cpu")
        model_dir = os.path.join(out, "model")
        st.save(model_dir)
    for junk in ("README.md",):
        p = os.path.join(model_dir, junk)
        if os.path.exists(p):
            os.remove(p)
    # The saved weights are what the references use (no tied or derived tensor left out).
    saved = load_file(os.path.join(model_dir, "model.safetensors"))

    cs = cases()
    texts = [c["text"] for c in cs]
    st = SentenceTransformer(model_dir, device="cpu")
    st.eval()
    assert st.max_seq_length == MAX_SEQ
    ids = [st.tokenize([t])["input_ids"][0].tolist() for t in texts]
    with open(os.path.join(out, "reference.jsonl"), "w", encoding="utf-8") as f:
        for c, i in zip(cs, ids):
            f.write(json.dumps({"id": c["id"], "text": c["text"], "input_ids": i}, ensure_ascii=True) + "\n")
    token_rows = []
    for i in ids:
        tokens, _, _ = run_ids(st, i)
        token_rows.append(tokens)
    np.save(os.path.join(out, "token_embeddings.npy"), np.concatenate(token_rows).astype(np.float32))
    manifest = {"arch": arch, "seed": 20240611, "config": json.load(open(os.path.join(model_dir, "config.json"))),
                "max_seq_length": MAX_SEQ, "n_cases": len(cs), "wordpiece_vocab": tok.get_vocab_size(),
                "tensors": sorted(saved.keys()), "batched16_vs_single_max_abs": {}}
    for mode in ("mean", "cls", "max"):
        if mode != "mean":
            d = os.path.join(out, "variants", mode, "1_Pooling")
            os.makedirs(d)
            with open(os.path.join(d, "config.json"), "w") as f:
                json.dump(pooling_config(mode), f, indent=2)
        norm = with_pooling(model_dir, mode, True)
        raw = with_pooling(model_dir, mode, False)
        a = norm.encode(texts, batch_size=16, convert_to_numpy=True)
        np.save(os.path.join(out, "reference_%s.npy" % mode), a.astype(np.float32))
        np.save(os.path.join(out, "reference_%s_raw.npy" % mode),
                raw.encode(texts, batch_size=16, convert_to_numpy=True).astype(np.float32))
        single = np.stack([run_ids(norm, i)[2] for i in ids])
        manifest["batched16_vs_single_max_abs"][mode] = float(np.abs(single - a).max())
        if native_tok:
            nd = os.path.join(out, "native")
            os.makedirs(nd, exist_ok=True)
            native_tok.enable_truncation(MAX_SEQ)
            nids = [e.ids for e in native_tok.encode_batch(texts)]
            if mode == "mean":
                native_tok.no_truncation()
                native_tok.save(os.path.join(nd, "tokenizer.json"))
                with open(os.path.join(nd, "reference.jsonl"), "w", encoding="utf-8") as f:
                    for c, i in zip(cs, nids):
                        f.write(json.dumps({"id": c["id"], "text": c["text"], "input_ids": i}, ensure_ascii=True)
                                + "\n")
            runs = [run_ids(norm, i) for i in nids]
            np.save(os.path.join(nd, "reference_%s.npy" % mode), np.stack([r[2] for r in runs]).astype(np.float32))
            np.save(os.path.join(nd, "reference_%s_raw.npy" % mode), np.stack([r[1] for r in runs]).astype(np.float32))
    if arch == "mpnet":
        rel = torch.arange(-600, 601)
        buckets = model.encoder.relative_position_bucket(rel, num_buckets=32).tolist()
        with open(os.path.join(out, "relative_buckets.json"), "w") as f:
            json.dump({"relative_positions": [-600, 600], "num_buckets": 32, "max_distance": 128,
                       "buckets": buckets}, f)
    if arch == "distilbert":
        # The sinusoidal table transformers wrote into the weights, for the Swift generator's test.
        manifest["sinusoidal_in_weights"] = "embeddings.position_embeddings.weight" in saved
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(arch, "ok", manifest["batched16_vs_single_max_abs"], file=sys.stderr)


if __name__ == "__main__":
    import sentence_transformers, transformers, tokenizers
    print("sentence-transformers", sentence_transformers.__version__, "transformers", transformers.__version__,
          "tokenizers", tokenizers.__version__, "torch", torch.__version__, file=sys.stderr)
    for arch in (sys.argv[1:] or list(ARCHS)):
        build(arch)
