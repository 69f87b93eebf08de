"""Scan test cases for InferenceCore: small ONNX graphs built with onnx.helper, run by onnxruntime.

Writes <name>.onnx and <name>.json (inputs and onnxruntime's outputs, the format of the skl2onnx
cases) into Tests/InferenceCoreTests/Resources/Scan. Most bodies use only operators the runtime
already had before Scan (Add, Sub, Mul, MatMul, Identity, Relu, Concat), so each case tests Scan
itself: states, several scan inputs, reverse directions, non-zero axes, outer-scope reads, nested
scans, names shadowing outer names, a k-NN-like squared-distance body, and skl2onnx's own k-NN
body (Sub + ReduceSumSquare, its axes as attribute and as input).

Run: /work/venv-skl/bin/python Tests/Interop/scan/generate_scan_cases.py [--out DIR]
"""

import argparse
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
OPSET = [helper.make_opsetid("", 17)]


def vi(name, shape, dtype=F):
    return helper.make_tensor_value_info(name, dtype, shape)


def tensor_json(array):
    array = np.asarray(array)
    name = {np.dtype(np.float32): "float32", np.dtype(np.float64): "float64", np.dtype(np.int64): "int64"}[array.dtype]
    values = [float(v) if array.dtype.kind == "f" else int(v) for v in array.ravel()]
    return {"type": name, "shape": list(array.shape), "values": values}


def case_state_accumulate(rng):
    # State s [2]; scan input x [T=5, 2]; s' = s + x; y = s' * x.
    body = helper.make_graph(
        [
            helper.make_node("Add", ["s", "x"], ["s_next"]),
            helper.make_node("Mul", ["s_next", "x"], ["y"]),
        ],
        "accumulate",
        [vi("s", [2]), vi("x", [2])],
        [vi("s_next", [2]), vi("y", [2])],
    )
    node = helper.make_node("Scan", ["S0", "X"], ["S", "Y"], num_scan_inputs=1, body=body)
    graph = helper.make_graph(
        [node], "state_accumulate", [vi("S0", [2]), vi("X", [5, 2])], [vi("S", [2]), vi("Y", [5, 2])]
    )
    inputs = {"S0": rng.normal(size=[2]).astype(np.float32), "X": rng.normal(size=[5, 2]).astype(np.float32)}
    return graph, inputs


def case_axes_and_directions(rng):
    # State s [3]; scan inputs a [3, T=4] along axis 1, b [T=4, 3] along axis 0 read in reverse.
    # Body: s' = Relu(s + a - b); out1 = Concat(s', a) [6] stacked on axis 1 in reverse -> [6, 4];
    # out2 = Identity(b) stacked on axis 0 -> [4, 3]; out3 = s' stacked on axis -1. (A body output
    # that is directly a body input comes out as zeros from onnxruntime 1.31, hence the Identity;
    # the runtime turns it back into the input.)
    body = helper.make_graph(
        [
            helper.make_node("Add", ["s", "a"], ["t1"]),
            helper.make_node("Sub", ["t1", "b"], ["t2"]),
            helper.make_node("Relu", ["t2"], ["s_next"]),
            helper.make_node("Concat", ["s_next", "a"], ["cat"], axis=0),
            helper.make_node("Identity", ["s_next"], ["s_copy"]),
            helper.make_node("Identity", ["b"], ["b_copy"]),
        ],
        "axes_body",
        [vi("s", [3]), vi("a", [3]), vi("b", [3])],
        [vi("s_next", [3]), vi("cat", [6]), vi("b_copy", [3]), vi("s_copy", [3])],
    )
    node = helper.make_node(
        "Scan",
        ["S0", "A", "B"],
        ["S", "Out1", "Out2", "Out3"],
        num_scan_inputs=2,
        scan_input_axes=[1, 0],
        scan_input_directions=[0, 1],
        scan_output_axes=[1, 0, -1],
        scan_output_directions=[1, 0, 0],
        body=body,
    )
    graph = helper.make_graph(
        [node],
        "axes_and_directions",
        [vi("S0", [3]), vi("A", [3, 4]), vi("B", [4, 3])],
        [vi("S", [3]), vi("Out1", [6, 4]), vi("Out2", [4, 3]), vi("Out3", [3, 4])],
    )
    inputs = {
        "S0": rng.normal(size=[3]).astype(np.float32),
        "A": rng.normal(size=[3, 4]).astype(np.float32),
        "B": rng.normal(size=[4, 3]).astype(np.float32),
    }
    return graph, inputs


def case_outer_scope(rng):
    # The body reads an outer initializer W [2, 2] and an outer computed value Z2 (= Z * 2, batch
    # rows) by name, and has its own initializer c. (ONNX forbids a body to redefine an outer
    # name, so shadowing is tested on the IR only.)
    w = rng.normal(size=[2, 2]).astype(np.float32)
    body = helper.make_graph(
        [
            helper.make_node("MatMul", ["h", "W"], ["hw"]),
            helper.make_node("Add", ["hw", "x"], ["hwx"]),
            helper.make_node("Add", ["hwx", "c"], ["h2"]),
            helper.make_node("Relu", ["h2"], ["h_next"]),
            helper.make_node("Mul", ["h_next", "Z2"], ["y"]),
        ],
        "outer_body",
        [vi("h", ["N", 2]), vi("x", ["N", 2])],
        [vi("h_next", ["N", 2]), vi("y", ["N", 2])],
        initializer=[numpy_helper.from_array(np.array([0.5, -0.25], np.float32), "c")],
    )
    graph = helper.make_graph(
        [
            helper.make_node("Mul", ["Z", "two"], ["Z2"]),
            helper.make_node("Add", ["Z", "W2"], ["H0"]),
            helper.make_node("Scan", ["H0", "X"], ["H", "Y"], num_scan_inputs=1, scan_input_axes=[1],
                             scan_output_axes=[1], body=body),
        ],
        "outer_scope",
        [vi("Z", ["N", 2]), vi("X", ["N", 3, 2])],
        [vi("H", ["N", 2]), vi("Y", ["N", 3, 2])],
        initializer=[
            numpy_helper.from_array(w, "W"),
            numpy_helper.from_array(np.array([[1.0, -1.0]], np.float32), "W2"),
            numpy_helper.from_array(np.array(2.0, np.float32), "two"),
        ],
    )
    inputs = {"Z": rng.normal(size=[4, 2]).astype(np.float32), "X": rng.normal(size=[4, 3, 2]).astype(np.float32)}
    return graph, inputs


def case_swap_states(rng):
    # Two states swapped every iteration (body outputs are its inputs), a scan output that is a
    # state input, and one computed state.
    body = helper.make_graph(
        [
            helper.make_node("Identity", ["p"], ["q_next"]),
            helper.make_node("Identity", ["q"], ["p_next"]),
            helper.make_node("Add", ["r", "x"], ["r_next"]),
            helper.make_node("Identity", ["p"], ["seen"]),
        ],
        "swap_body",
        [vi("p", [2]), vi("q", [2]), vi("r", [2]), vi("x", [2])],
        [vi("p_next", [2]), vi("q_next", [2]), vi("r_next", [2]), vi("seen", [2])],
    )
    node = helper.make_node("Scan", ["P", "Q", "R", "X"], ["P1", "Q1", "R1", "Seen"], num_scan_inputs=1, body=body)
    graph = helper.make_graph(
        [node],
        "swap_states",
        [vi("P", [2]), vi("Q", [2]), vi("R", [2]), vi("X", [3, 2])],
        [vi("P1", [2]), vi("Q1", [2]), vi("R1", [2]), vi("Seen", [3, 2])],
    )
    inputs = {
        "P": np.array([1, 2], np.float32),
        "Q": np.array([3, 4], np.float32),
        "R": np.array([0, 0], np.float32),
        "X": rng.normal(size=[3, 2]).astype(np.float32),
    }
    return graph, inputs


def case_nested(rng):
    # An outer scan over rows of M [T1=3, T2=4, 2]; its body scans the row's 4 vectors with an
    # inner running sum, reads the outer graph's initializer K, and returns the inner sums.
    inner = helper.make_graph(
        [
            helper.make_node("Add", ["acc", "v"], ["acc1"]),
            helper.make_node("Mul", ["acc1", "K"], ["scaled"]),
        ],
        "inner",
        [vi("acc", [2]), vi("v", [2])],
        [vi("acc1", [2]), vi("scaled", [2])],
    )
    outer_body = helper.make_graph(
        [
            helper.make_node("Scan", ["total", "row"], ["total1", "sums"], num_scan_inputs=1, body=inner),
            helper.make_node("Relu", ["sums"], ["sums_relu"]),
        ],
        "outer",
        [vi("total", [2]), vi("row", [4, 2])],
        [vi("total1", [2]), vi("sums_relu", [4, 2])],
    )
    graph = helper.make_graph(
        [helper.make_node("Scan", ["T0", "M"], ["T", "All"], num_scan_inputs=1, body=outer_body)],
        "nested",
        [vi("T0", [2]), vi("M", [3, 4, 2])],
        [vi("T", [2]), vi("All", [3, 4, 2])],
        initializer=[numpy_helper.from_array(np.array([0.5, -2.0], np.float32), "K")],
    )
    inputs = {"T0": rng.normal(size=[2]).astype(np.float32), "M": rng.normal(size=[3, 4, 2]).astype(np.float32)}
    return graph, inputs


def case_squared_distance(rng):
    # The k-NN pairwise-distance loop skl2onnx emits, with ReduceSumSquare written as Mul + MatMul
    # by ones: state X [N, 6], scan input = 40 training points [40, 6], scan output [40, N].
    points = rng.normal(size=[40, 6]).astype(np.float32) * 3 + 10
    body = helper.make_graph(
        [
            helper.make_node("Identity", ["next_in"], ["next_out"]),
            helper.make_node("Sub", ["next_in", "next"], ["diff"]),
            helper.make_node("Mul", ["diff", "diff"], ["sq"]),
            helper.make_node("MatMul", ["sq", "ones"], ["dist"]),
            helper.make_node("Identity", ["dist"], ["scan_out"]),
        ],
        "distance",
        [vi("next_in", [None, 6]), vi("next", [None])],
        [vi("next_out", [None, 6]), vi("scan_out", [None])],
        initializer=[numpy_helper.from_array(np.ones([6], np.float32), "ones")],
    )
    graph = helper.make_graph(
        [
            helper.make_node("Scan", ["X", "points"], ["X_out", "D"], num_scan_inputs=1, body=body),
            helper.make_node("Transpose", ["D"], ["Dt"], perm=[1, 0]),
        ],
        "squared_distance",
        [vi("X", ["N", 6])],
        [vi("Dt", ["N", 40])],
        initializer=[numpy_helper.from_array(points, "points")],
    )
    inputs = {"X": (rng.normal(size=[16, 6]) * 3 + 10).astype(np.float32)}
    return graph, inputs


def distance_reduce_case(rng, opset):
    # skl2onnx's own k-NN body: Sub then ReduceSumSquare(keepdims=0) over the feature axis,
    # Identity wrappers on both outputs. Before opset 18 the axes are an attribute (here -1),
    # from 18 a constant input (here 1). Row 0 of X equals training point 3 (distance exactly 0).
    points = rng.normal(size=[30, 5]).astype(np.float32) * 2 + 4
    reduce_inputs = ["diff"] if opset < 18 else ["diff", "axes"]
    reduce_attributes = {"axes": [-1]} if opset < 18 else {}
    initializers = [] if opset < 18 else [numpy_helper.from_array(np.array([1], np.int64), "axes")]
    body = helper.make_graph(
        [
            helper.make_node("Identity", ["next_in"], ["next_out"]),
            helper.make_node("Sub", ["next_in", "next"], ["diff"]),
            helper.make_node("ReduceSumSquare", reduce_inputs, ["reduced"], keepdims=0, **reduce_attributes),
            helper.make_node("Identity", ["reduced"], ["scan_out"]),
        ],
        "distance",
        [vi("next_in", [None, 5]), vi("next", [None])],
        [vi("next_out", [None, 5]), vi("scan_out", [None])],
        initializer=initializers,
    )
    graph = helper.make_graph(
        [
            helper.make_node("Scan", ["X", "points"], ["X_out", "D"], num_scan_inputs=1, body=body),
            helper.make_node("Transpose", ["D"], ["Dt"], perm=[1, 0]),
        ],
        f"distance_reduce_opset{opset}",
        [vi("X", ["N", 5])],
        [vi("Dt", ["N", 30])],
        initializer=[numpy_helper.from_array(points, "points")],
    )
    x = (rng.normal(size=[7, 5]) * 2 + 4).astype(np.float32)
    x[0] = points[3]
    return graph, {"X": x}


def case_distance_reduce_attribute(rng):
    return distance_reduce_case(rng, 17)


def case_distance_reduce_input(rng):
    return distance_reduce_case(rng, 18)


CASES = {
    "state_accumulate": case_state_accumulate,
    "axes_and_directions": case_axes_and_directions,
    "outer_scope": case_outer_scope,
    "swap_states": case_swap_states,
    "nested": case_nested,
    "squared_distance": case_squared_distance,
    "distance_reduce_attribute": case_distance_reduce_attribute,
    "distance_reduce_input": case_distance_reduce_input,
}
# Cases that need another opset than OPSET (the axes of ReduceSumSquare became an input in 18).
OPSETS = {"distance_reduce_input": [helper.make_opsetid("", 18)]}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "InferenceCoreTests", "Resources", "Scan")
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=default)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(20261207)
    for name, build in CASES.items():
        graph, inputs = build(rng)
        model = helper.make_model(graph, opset_imports=OPSETS.get(name, OPSET), producer_name="generate_scan_cases")
        model.ir_version = 8
        onnx.checker.check_model(model, full_check=True)
        session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        names = [o.name for o in session.get_outputs()]
        results = session.run(names, inputs)
        with open(os.path.join(args.out, f"{name}.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        record = {
            "inputs": {k: tensor_json(v) for k, v in inputs.items()},
            "outputs": {k: tensor_json(v) for k, v in zip(names, results)},
        }
        with open(os.path.join(args.out, f"{name}.json"), "w") as f:
            json.dump(record, f, separators=(",", ":"))
        print(name, {k: list(np.asarray(v).shape) for k, v in zip(names, results)})
    with open(os.path.join(args.out, "cases.json"), "w") as f:
        json.dump(sorted(CASES), f)


if __name__ == "__main__":
    main()
