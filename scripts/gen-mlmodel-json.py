#!/usr/bin/env python3
"""Write fixtures/mlmodel-json/<model>.json: each fixture MLmodel as the JSON document that
yaml.safe_load gives (key order kept), so the schema test can check MLmodel files without
depending on the YAML reader. Regenerate after changing fixtures/mlflow/models."""
import glob, json, os, yaml

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
out = os.path.join(root, "mlmodel-json")
os.makedirs(out, exist_ok=True)
for path in sorted(glob.glob(os.path.join(root, "mlflow", "models", "*", "MLmodel"))):
    model = os.path.basename(os.path.dirname(path))
    with open(path) as fh:
        doc = yaml.safe_load(fh)
    with open(os.path.join(out, model + ".json"), "w") as fh:
        fh.write(json.dumps(doc, indent=2) + "\n")
