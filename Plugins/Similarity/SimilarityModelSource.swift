/// The Python source written next to a saved similarity model as `similarity_model.py`.
///
/// MLflow loads it through models-from-code (`loader_module: mlflow.pyfunc.loaders.code_model`,
/// `model_code_path: similarity_model.py`): nothing is unpickled. It implements the same predict
/// contract as mlpack's native similarity flavor: a two-column table (columns taken in order)
/// scored row by row, or `{"sentence_1": str | [str], "sentence_2": str | [str]}`; the result is
/// a float64 array of shape `(n, 1)` holding the cosine similarity of each pair.
enum SimilarityModelSource {
    static let fileName = "similarity_model.py"

    static let text = #"""
# Written by mlpack. Loaded by MLflow as a model from code: no pickle involved.
# Predict contract (identical to mlpack's native `similarity` flavor):
#   - a DataFrame with exactly two columns (any names, taken in order): every row is scored;
#   - a dict {"sentence_1": str | list[str], "sentence_2": str | list[str]} (equal lengths);
# returns numpy float64 of shape (n, 1): the cosine similarity of each sentence pair.
import mlflow
import numpy as np
import pandas as pd
from mlflow.pyfunc import PythonModel


def _as_list(value, key):
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        items = list(value)
        for row, item in enumerate(items):
            if not isinstance(item, str):
                raise ValueError(f"'{key}' row {row}: expected a string, got {type(item).__name__}")
        return items
    raise ValueError(f"'{key}': expected a string or a list of strings, got {type(value).__name__}")


class SimilarityModel(PythonModel):
    def load_context(self, context):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(context.artifacts["model_path"])

    def _pairs(self, model_input):
        if isinstance(model_input, pd.DataFrame):
            if model_input.shape[1] != 2:
                raise ValueError(
                    f"DataFrame input must have exactly two columns, got {model_input.shape[1]}."
                )
            first, second = [], []
            for row in range(model_input.shape[0]):
                a, b = model_input.iloc[row, 0], model_input.iloc[row, 1]
                for column, cell in ((0, a), (1, b)):
                    if not isinstance(cell, str):
                        raise ValueError(
                            f"row {row}, column {model_input.columns[column]!r}: expected a string, "
                            f"got {type(cell).__name__}"
                        )
                first.append(a)
                second.append(b)
            return first, second
        if isinstance(model_input, dict):
            missing = [k for k in ("sentence_1", "sentence_2") if model_input.get(k) is None]
            if missing:
                raise ValueError(
                    "Both 'sentence_1' and 'sentence_2' must be provided in the input dictionary; "
                    f"missing: {missing}."
                )
            first = _as_list(model_input["sentence_1"], "sentence_1")
            second = _as_list(model_input["sentence_2"], "sentence_2")
            if len(first) != len(second):
                raise ValueError(
                    f"'sentence_1' has {len(first)} sentences but 'sentence_2' has {len(second)}."
                )
            return first, second
        raise TypeError(
            f"Unexpected type for model_input: {type(model_input)}. Must be either a Dict or a DataFrame."
        )

    def predict(self, context, model_input, params=None):
        first, second = self._pairs(model_input)
        if not first:
            return np.zeros((0, 1), dtype=np.float64)
        embeddings = self.model.encode(first + second, convert_to_numpy=True)
        a = embeddings[: len(first)].astype(np.float64)
        b = embeddings[len(first) :].astype(np.float64)
        a /= np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
        b /= np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
        return np.sum(a * b, axis=1, keepdims=True)


mlflow.models.set_model(SimilarityModel())
"""#
}
