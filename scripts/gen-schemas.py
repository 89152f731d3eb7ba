#!/usr/bin/env python3
"""Generate the JSON Schema (2020-12) documents in schemas/.

The signature type grammar is recursive and appears in three variants (array items / map
values, object properties with `required`, ColSpecs with `name` and `required`); writing it by
hand would repeat it, so this script builds the documents. Run it after changing the grammar;
the Swift test suite validates the fixtures against the committed files.
"""
import json, os

DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://mlpack.dev/schemas/"
DATA_TYPES = ["boolean", "integer", "long", "float", "double", "string", "binary", "datetime"]
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32",
          "float64", "complex64", "complex128", "str", "bytes", "object"] + \
         [f"{k}64[{u}]" for k in ("datetime", "timedelta") for u in ("Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns")]


def type_variants(extra):
    """The six type dict shapes, each closed, with `extra` additional properties allowed."""
    def closed(props, required):
        p = dict(props)
        p.update(extra)
        return {"type": "object", "properties": p, "required": required, "additionalProperties": False}
    return [
        closed({"type": {"$ref": "#/$defs/dataTypeName"}}, ["type"]),
        closed({"type": {"const": "array"}, "items": {"$ref": "#/$defs/typeDict"}}, ["type", "items"]),
        closed({"type": {"const": "object"}, "properties": {"$ref": "#/$defs/objectProperties"}}, ["type", "properties"]),
        closed({"type": {"const": "map"}, "values": {"$ref": "#/$defs/typeDict"}}, ["type", "values"]),
        closed({"type": {"const": "any"}}, ["type"]),
        closed({"type": {"const": "sparkml_vector"}}, ["type"]),
    ]


def signature_defs():
    return {
        "dataTypeName": {"description": "mlflow.types.DataType names.", "enum": DATA_TYPES},
        "typeDict": {"description": "A type as array items or map values: no name, no required.",
                     "oneOf": type_variants({})},
        "objectProperties": {"description": "Object properties by name (MLflow writes them sorted).",
                             "type": "object", "minProperties": 1,
                             "additionalProperties": {"$ref": "#/$defs/property"}},
        "property": {"description": "An object property: a type dict plus `required`.",
                     "oneOf": type_variants({"required": {"type": "boolean"}})},
        "colSpec": {"description": "mlflow.types.ColSpec as written by ColSpec.to_dict(): type keys, then name (string, "
                                   "or integer for default DataFrame labels), then required.",
                    "oneOf": type_variants({"name": {"type": ["string", "integer"]},
                                            "required": {"type": ["boolean", "null"]}})},
        "tensorSpec": {"description": "mlflow.types.TensorSpec: optional name, type 'tensor', numpy dtype name and shape (-1 = variable).",
                       "type": "object",
                       "properties": {
                           "name": {"type": ["string", "integer"]},
                           "type": {"const": "tensor"},
                           "tensor-spec": {"type": "object",
                                           "properties": {"dtype": {"enum": DTYPES},
                                                          "shape": {"type": "array", "items": {"type": "integer", "minimum": -1}}},
                                           "required": ["dtype", "shape"], "additionalProperties": False}},
                       "required": ["type", "tensor-spec"], "additionalProperties": False},
        "paramSpec": {"description": "mlflow.types.ParamSpec: name, default, shape (null or [-1]), type (+ properties for object params).",
                      "oneOf": [
                          {"type": "object",
                           "properties": {"name": {"type": "string"}, "default": True,
                                          "shape": {"oneOf": [{"type": "null"}, {"const": [-1]}]},
                                          "type": {"enum": [t for t in DATA_TYPES if t != "binary"]}},
                           "required": ["name", "default", "type"], "additionalProperties": False},
                          {"type": "object",
                           "properties": {"name": {"type": "string"}, "default": {"type": ["object", "null"]},
                                          "shape": {"type": "null"}, "type": {"const": "object"},
                                          "properties": {"$ref": "#/$defs/objectProperties"}},
                           "required": ["name", "default", "type", "properties"], "additionalProperties": False},
                      ]},
        "schemaList": {"description": "Schema.to_json(): a non-empty list of ColSpecs or of TensorSpecs.",
                       "oneOf": [{"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/colSpec"}},
                                 {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/tensorSpec"}}]},
        "paramList": {"description": "ParamSchema.to_json().", "type": "array", "items": {"$ref": "#/$defs/paramSpec"}},
        "signatureBlock": {
            "description": "The MLmodel `signature` mapping: each part is a JSON string (or null).",
            "type": "object",
            "properties": {
                "inputs": {"oneOf": [{"type": "null"}, {"type": "string", "contentMediaType": "application/json",
                                                         "contentSchema": {"$ref": "#/$defs/schemaList"}}]},
                "outputs": {"oneOf": [{"type": "null"}, {"type": "string", "contentMediaType": "application/json",
                                                          "contentSchema": {"$ref": "#/$defs/schemaList"}}]},
                "params": {"oneOf": [{"type": "null"}, {"type": "string", "contentMediaType": "application/json",
                                                         "contentSchema": {"$ref": "#/$defs/paramList"}}]},
            },
            "additionalProperties": False},
    }


def signature_schema():
    return {"$schema": DRAFT, "$id": BASE + "signature.schema.json",
            "title": "MLflow model signature (MLmodel `signature` block and its entries)",
            "description": "Root: the signature mapping. Entries: #/$defs/colSpec, #/$defs/tensorSpec, #/$defs/paramSpec.",
            "$ref": "#/$defs/signatureBlock", "$defs": signature_defs()}


def mlmodel_schema():
    defs = signature_defs()
    defs["savedInputExampleInfo"] = {
        "type": "object",
        "properties": {"artifact_path": {"type": "string", "minLength": 1},
                       "type": {"enum": ["dataframe", "ndarray", "json_object", "sparse_matrix_csr", "sparse_matrix_csc"]},
                       "pandas_orient": {"enum": ["split", "values"]},
                       "serving_input_path": {"type": "string", "minLength": 1},
                       "params": {"const": "true"}},
        "required": ["artifact_path", "type"], "additionalProperties": False}
    defs["pythonFunctionFlavor"] = {
        "type": "object",
        "properties": {"loader_module": {"type": "string", "minLength": 1},
                       "python_version": {"type": "string"},
                       "data": {"type": "string"},
                       "code": {"type": ["string", "null"]},
                       "env": {"oneOf": [{"type": "string"},
                                         {"type": "object", "properties": {"conda": {"type": "string"}, "virtualenv": {"type": "string"}},
                                          "additionalProperties": False}]},
                       "python_model": {"type": "string"},
                       "model_code_path": {"type": "string"},
                       "cloudpickle_version": {"type": "string"},
                       "streamable": {"type": "boolean"},
                       "config": {"type": ["object", "null"]},
                       "artifacts": {"type": "object",
                                     "additionalProperties": {"type": "object", "properties": {"path": {"type": "string"}, "uri": {"type": "string"}},
                                                              "required": ["path"]}}},
        "required": ["loader_module"]}
    return {
        "$schema": DRAFT, "$id": BASE + "mlmodel.schema.json",
        "title": "MLflow MLmodel file (as the document yaml.safe_load gives)",
        "description": "Unknown top-level keys and unknown flavor keys are allowed: MLflow and mlpack preserve them.",
        "type": "object",
        "properties": {
            "artifact_path": {"type": "string"},
            "flavors": {"type": "object", "minProperties": 1,
                        "properties": {"python_function": {"$ref": "#/$defs/pythonFunctionFlavor"}},
                        "additionalProperties": {"type": "object"}},
            "model_uuid": {"type": ["string", "null"]},
            "model_id": {"type": ["string", "null"]},
            "run_id": {"type": ["string", "null"]},
            "utc_time_created": {"type": "string"},
            "mlflow_version": {"type": "string"},
            "signature": {"$ref": "#/$defs/signatureBlock"},
            "saved_input_example_info": {"$ref": "#/$defs/savedInputExampleInfo"},
            "model_size_bytes": {"type": ["integer", "null"], "minimum": 0},
            "metadata": {"type": ["object", "null"]},
            "databricks_runtime": {"type": "string"},
            "prompts": {"type": ["array", "null"]},
            "resources": {"type": ["object", "null"]},
            "env_vars": {"type": ["array", "null"], "items": {"type": "string"}},
            "is_signature_from_type_hint": {"type": "boolean"},
            "type_hint_from_example": {"type": "boolean"},
        },
        "required": ["flavors"],
        "$defs": defs}


SCALAR = {"type": ["string", "number", "boolean", "null"]}


def input_example_schema():
    nested = {"description": "A nested list (numpy tolist()); NaN is written as null.",
              "anyOf": [SCALAR, {"type": "array", "items": {"$ref": "#/$defs/nestedArray"}}]}
    return {
        "$schema": DRAFT, "$id": BASE + "input-example.schema.json",
        "title": "MLflow input_example.json",
        "description": "Pick the definition named by saved_input_example_info.type (+ pandas_orient); with `params: 'true'` "
                       "the file is #/$defs/withParams whose `inputs` is that definition. json_object examples may be any JSON.",
        "anyOf": [{"$ref": "#/$defs/" + n} for n in
                  ["withParams", "dataframeSplit", "dataframeValues", "ndarray", "sparseMatrix", "jsonObject"]],
        "$defs": {
            "dataframeSplit": {"description": "pandas_orient: split", "type": "object",
                               "properties": {"columns": {"type": "array", "items": {"type": ["string", "integer"]}},
                                              "data": {"type": "array", "items": {"type": "array"}}},
                               "required": ["columns", "data"], "additionalProperties": False},
            "dataframeValues": {"description": "pandas_orient: values (default integer column labels)", "type": "object",
                                "properties": {"data": {"type": "array", "items": {"type": "array"}}},
                                "required": ["data"], "additionalProperties": False},
            "nestedArray": nested,
            "ndarray": {"description": "type: ndarray — one array, or a dict of arrays",
                        "oneOf": [{"type": "array", "items": {"$ref": "#/$defs/nestedArray"}},
                                  {"type": "object", "minProperties": 1, "additionalProperties": {"$ref": "#/$defs/nestedArray"}}]},
            "sparseMatrix": {"description": "type: sparse_matrix_csr / sparse_matrix_csc", "type": "object",
                             "properties": {"data": {"type": "array", "items": {"type": ["number", "boolean"]}},
                                            "indices": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                                            "indptr": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                                            "shape": {"type": "array", "minItems": 2, "maxItems": 2,
                                                      "items": {"type": "integer", "minimum": 0}}},
                             "required": ["data", "indices", "indptr", "shape"], "additionalProperties": False},
            "jsonObject": {"description": "type: json_object — any JSON value (dict, list, scalar)"},
            "withParams": {"description": "An example saved with params", "type": "object",
                           "properties": {"inputs": True, "params": {"type": "object"}},
                           "required": ["inputs", "params"], "additionalProperties": False},
        }}


def scoring_request_schema():
    fields = ["dataframe_split", "dataframe_records", "instances", "inputs"]
    llm = ["messages", "prompt", "input"]
    return {
        "$schema": DRAFT, "$id": BASE + "scoring-request.schema.json",
        "title": "Body of POST /invocations with Content-Type application/json (also serving_input_example.json)",
        "oneOf": [{"$ref": "#/$defs/standard"}, {"$ref": "#/$defs/unifiedLLM"}],
        "$defs": {
            "standard": {
                "description": "Exactly one of the four input fields, optional params; other keys are ignored by the server.",
                "type": "object",
                "properties": {"dataframe_split": {"$ref": "#/$defs/dataframeSplit"},
                               "dataframe_records": {"type": "array", "items": {"type": ["object", "array"]}},
                               "instances": True, "inputs": True,
                               "params": {"type": ["object", "null"]}},
                "oneOf": [{"required": [f]} for f in fields],
                "not": {"anyOf": [{"required": [k]} for k in llm]}},
            "unifiedLLM": {"description": "A body with messages, prompt or input is passed to the model as a whole.",
                           "type": "object", "anyOf": [{"required": [k]} for k in llm]},
            "dataframeSplit": {"type": "object",
                               "properties": {"columns": {"type": "array", "items": {"type": ["string", "integer"]}},
                                              "data": {"type": "array"},
                                              "index": {"type": "array"}},
                               "required": ["data"], "additionalProperties": False},
        }}


if __name__ == "__main__":
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas")
    for name, doc in [("signature", signature_schema()), ("mlmodel", mlmodel_schema()),
                      ("input-example", input_example_schema()), ("scoring-request", scoring_request_schema())]:
        with open(os.path.join(root, f"{name}.schema.json"), "w") as fh:
            fh.write(json.dumps(doc, indent=2) + "\n")
