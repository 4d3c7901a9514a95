from __future__ import annotations

import json
import math

import nbformat
import numpy as np
import pandas as pd

from toolkit.present.record import RECORD_MIME, jsonable, read_records, record, recorded_outside_kernel


def test_jsonable_converts_numpy_pandas_and_nan():
    value = {"a": np.int64(3), "b": np.float32(0.5), "c": float("nan"), "d": pd.Period("2027-03", freq="M"),
             "e": np.array([1.0, 2.0]), "f": (1, "x")}
    out = jsonable(value)
    assert out == {"a": 3, "b": 0.5, "c": None, "d": "2027-03", "e": [1.0, 2.0], "f": [1, "x"]}
    json.dumps(out)


def test_record_outside_a_kernel_is_kept_in_process():
    record("probability", np.float64(0.25))
    assert math.isclose(recorded_outside_kernel["probability"], 0.25)


def test_read_records_from_executed_notebook_outputs():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={RECORD_MIME: {"name": "p", "value": 0.7}}),
                    nbformat.v4.new_output("display_data", data={"text/plain": "ignored"}),
                    nbformat.v4.new_output("display_data", data={RECORD_MIME: json.dumps({"name": "p", "value": 0.9})})]
    nb.cells = [cell]
    assert read_records(nb) == {"p": 0.9}
