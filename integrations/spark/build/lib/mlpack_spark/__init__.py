"""Score Spark DataFrames with an mlpack model: one long-lived `mlpack predict` child per task.

    from mlpack_spark import predict
    scored = predict(df, "similarity.mlpack", input_cols=["sentence_1", "sentence_2"])
    # df's columns + prediction (double) + error (string, null when the row scored)

The model travels as one `mlpack pack` archive (a model directory or a models:/ URI is packed on
the driver first) through `SparkContext.addFile`, or `SparkSession.addArtifacts` under Spark
Connect; each executor unpacks it once into its archive cache, and every task reuses that copy.
"""

from ._predict import MLPackChildError, predict, RESULT_TYPES

__all__ = ["predict", "MLPackChildError", "RESULT_TYPES"]
__version__ = "0.1.0"
