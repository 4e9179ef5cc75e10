#!/usr/bin/python3
"""Generate the ONNX fixtures of package onnx and their reference outputs.

Run from this directory with Debian's Python (apt-get install -y python3-torch
python3-onnx):

    /usr/bin/python3 gen.py

It writes *.onnx (and external.onnx.data) plus cases.json, which lists for
each model the inputs (flattened row-major, one point per row), the reference
outputs and the tolerance, or the words an import error must contain. The Go
tests read cases.json; they never run Python.

References are independent of relucid: nets exported by torch.onnx.export are
evaluated by PyTorch itself, in the model's dtype ("outputs") and in float64
on the same (float32-exact) weights ("outputs64"); hand-built graphs are
evaluated by numpy from the arrays that were written into them.
"""
import io
import json
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

torch.manual_seed(20180101)
rng = np.random.default_rng(20180101)
nn = torch.nn
HERE = os.path.dirname(os.path.abspath(__file__))
cases = []

# Tolerances. float64 references agree with an exact-weight float64
# evaluation up to a few ulps per multiply-add: 1e-12 is ample for these
# small nets with O(1) values. float32 outputs of PyTorch differ from the
# float64 evaluation by float32 rounding (eps 6e-8) accumulated over a few
# dozen operations: 1e-6 relative to max(1, |y|).
TOL64 = 1e-12
TOL32 = 1e-6


def save(name, model_bytes):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(model_bytes)


def export(name, model, in_shape, npts=8, constant_folding=True, double=False):
    """Export an nn.Module with torch and record reference outputs."""
    model = model.eval()
    if double:
        model = model.double()
    dtype = torch.float64 if double else torch.float32
    x = torch.randn(npts, *in_shape, dtype=dtype)
    f = io.BytesIO()
    torch.onnx.export(model, x, f, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "N"}, "y": {0: "N"}},
                      opset_version=13, do_constant_folding=constant_folding)
    data = f.getvalue()
    onnx.checker.check_model(onnx.load_from_string(data))
    save(name, data)
    with torch.no_grad():
        y = model(x).reshape(npts, -1)
        y64 = model.double()(x.double()).reshape(npts, -1)
    cases.append({
        "model": name,
        "dtype": "float64" if double else "float32",
        "inputs": x.double().reshape(npts, -1).tolist(),
        "outputs": y.double().tolist(),
        "tol": TOL64 if double else TOL32,
        "outputs64": y64.tolist(),
        "tol64": TOL64,
    })
    return model, x


def mlp(*widths):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def error_case(name, *words):
    cases.append({"model": name, "error": list(words)})


# --- nets exported by PyTorch -------------------------------------------

# Gemm form, float32 and float64.
export("gemm_f32.onnx", mlp(3, 5, 4, 2), (3,))
export("gemm_f64.onnx", mlp(3, 5, 4, 2), (3,), double=True)
# R -> R net, the shape most relucid commands want.
export("r2r.onnx", mlp(1, 6, 6, 1), (1,))
# Flatten, Dropout (eval) and Identity; Flatten of a [N, 2, 3] input.
export("flatten.onnx", nn.Sequential(nn.Flatten(), nn.Linear(6, 4), nn.Dropout(0.3), nn.ReLU(),
                                     nn.Identity(), nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1)), (2, 3))
# MatMul + Add form: a rank-3 input [N, 1, 3] makes torch use MatMul; without
# constant folding the weight goes through a Transpose node.
export("matmul_transpose.onnx", mlp(3, 4, 2), (1, 3), constant_folding=False)
export("matmul_folded.onnx", mlp(3, 4, 2), (1, 3), constant_folding=True)
# Two Linear layers in a row (composed exactly on import) and a final ReLU.
export("linear_linear.onnx", nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 2), nn.ReLU()), (2,))
# ReLU straight on the input.
export("relu_first.onnx", nn.Sequential(nn.ReLU(), nn.Linear(2, 2)), (2,))

# External data: the same kind of net with its weights in external.onnx.data.
m, x = export("external.onnx", mlp(4, 8, 8, 3), (4,))
proto = onnx.load(os.path.join(HERE, "external.onnx"))
onnx.save_model(proto, os.path.join(HERE, "external.onnx"), save_as_external_data=True,
                all_tensors_to_one_file=True, location="external.onnx.data", size_threshold=0)
proto = onnx.load(os.path.join(HERE, "external.onnx"), load_external_data=False)
assert any(t.data_location == TensorProto.EXTERNAL for t in proto.graph.initializer)

# External data whose location leaves the directory: must be refused.
for t in proto.graph.initializer:
    for e in t.external_data:
        if e.key == "location":
            e.value = "../external.onnx.data"
save("escape.onnx", proto.SerializeToString())
error_case("escape.onnx", "leaves the model's directory")

# Unsupported: a convolution.


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 2, 2)
        self.fc = nn.Linear(2 * 3, 1)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).flatten(1))


f = io.BytesIO()
torch.onnx.export(ConvNet().eval(), torch.randn(2, 1, 4), f, input_names=["x"], output_names=["y"], opset_version=13)
save("conv.onnx", f.getvalue())
error_case("conv.onnx", "Conv", "/conv/Conv")

# Unsupported: a skip connection y = W2 relu(W1 x + b1) + b2 + x.


class Skip(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3)
        self.b = nn.Linear(3, 3)

    def forward(self, x):
        return self.b(torch.relu(self.a(x))) + x


f = io.BytesIO()
torch.onnx.export(Skip().eval(), torch.randn(2, 3), f, input_names=["x"], output_names=["y"], opset_version=13)
save("skip.onnx", f.getvalue())
error_case("skip.onnx", "skip connection")

# Unsupported activation.
f = io.BytesIO()
torch.onnx.export(nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1)).eval(), torch.randn(2, 2), f,
                  input_names=["x"], output_names=["y"], opset_version=13)
save("sigmoid.onnx", f.getvalue())
error_case("sigmoid.onnx", "Sigmoid", "/1/Sigmoid", "Gemm")

# --- graphs built by hand with onnx.helper -------------------------------


def hand(name, nodes, inits, n_in, n_out, elem, ref, npts=8):
    """Save a hand-built graph; ref(x) computes its outputs with numpy."""
    g = helper.make_graph(
        nodes, name.replace(".onnx", ""),
        [helper.make_tensor_value_info("x", elem, ["N", n_in])],
        [helper.make_tensor_value_info("y", elem, ["N", n_out])],
        initializer=inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="gen.py")
    model.ir_version = 7
    onnx.checker.check_model(model)
    save(name, model.SerializeToString())
    x = rng.standard_normal((npts, n_in))
    if elem == TensorProto.FLOAT:
        x = x.astype(np.float32).astype(np.float64)
    cases.append({"model": name, "dtype": "float32" if elem == TensorProto.FLOAT else "float64",
                  "inputs": x.tolist(), "outputs64": ref(x).tolist(), "tol64": TOL64})


def typed(name, arr, elem):
    """A tensor in the typed field (float_data or double_data), not raw_data."""
    return helper.make_tensor(name, elem, arr.shape, arr.flatten().tolist(), raw=False)


def relu(v):
    return np.maximum(v, 0)


# Gemm with alpha, beta, transB=0 (B is in x out), typed float_data, bias of
# shape [1, out].
W1 = rng.standard_normal((3, 4)).astype(np.float32)
c1 = rng.standard_normal((1, 4)).astype(np.float32)
W2 = rng.standard_normal((2, 4)).astype(np.float32)
c2 = rng.standard_normal((2,)).astype(np.float32)
hand("gemm_alpha_beta.onnx",
     [helper.make_node("Gemm", ["x", "W1", "c1"], ["h"], name="g1", alpha=0.5, beta=2.0),
      helper.make_node("Relu", ["h"], ["r"], name="r1"),
      helper.make_node("Gemm", ["r", "W2", "c2"], ["y"], name="g2", transB=1, alpha=-3.0)],
     [typed("W1", W1, TensorProto.FLOAT), typed("c1", c1, TensorProto.FLOAT),
      typed("W2", W2, TensorProto.FLOAT), typed("c2", c2, TensorProto.FLOAT)],
     3, 2, TensorProto.FLOAT,
     lambda x: -3.0 * relu(0.5 * x @ W1.astype(np.float64) + 2.0 * c1.astype(np.float64)) @ W2.astype(np.float64).T
     + c2.astype(np.float64))

# double_data typed field, MatMul with a Constant weight, Add with the bias
# first, explicit Identity and Dropout nodes (ratio input, training_mode false).
A = rng.standard_normal((2, 5))
a = rng.standard_normal((5,))
B = rng.standard_normal((5, 1))
hand("typed_f64.onnx",
     [helper.make_node("Constant", [], ["A"], name="constA", value=typed("Aval", A, TensorProto.DOUBLE)),
      helper.make_node("Identity", ["x"], ["x1"], name="id0"),
      helper.make_node("MatMul", ["x1", "A"], ["m"], name="mm1"),
      helper.make_node("Add", ["a", "m"], ["h"], name="add1"),
      helper.make_node("Dropout", ["h", "ratio", "train"], ["d"], name="drop"),
      helper.make_node("Relu", ["d"], ["r"], name="relu1"),
      helper.make_node("MatMul", ["r", "B"], ["y"], name="mm2")],
     [typed("a", a, TensorProto.DOUBLE), typed("B", B, TensorProto.DOUBLE),
      helper.make_tensor("ratio", TensorProto.FLOAT, [], [0.5]),
      helper.make_tensor("train", TensorProto.BOOL, [], [False])],
     2, 1, TensorProto.DOUBLE,
     lambda x: relu(x @ A + a) @ B)

# Old-style file: weights also listed as graph inputs (keep_initializers_as_inputs).
Wk = rng.standard_normal((2, 2))
g = helper.make_graph(
    [helper.make_node("Gemm", ["x", "Wk"], ["h"], name="g", transB=1), helper.make_node("Relu", ["h"], ["y"], name="r")],
    "inputs", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["N", 2]),
               helper.make_tensor_value_info("Wk", TensorProto.DOUBLE, [2, 2])],
    [helper.make_tensor_value_info("y", TensorProto.DOUBLE, ["N", 2])],
    initializer=[numpy_helper.from_array(Wk, "Wk")])
model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
onnx.checker.check_model(model)
save("init_as_input.onnx", model.SerializeToString())
xk = rng.standard_normal((8, 2))
cases.append({"model": "init_as_input.onnx", "dtype": "float64", "inputs": xk.tolist(),
              "outputs64": relu(xk @ Wk.T).tolist(), "tol64": TOL64})

# A tensor consumed twice (parallel branches joined by Add).
Wb = rng.standard_normal((2, 2)).astype(np.float32)
hand_nodes = [helper.make_node("Gemm", ["x", "Wb"], ["p"], name="left", transB=1),
              helper.make_node("Gemm", ["x", "Wb"], ["q"], name="right", transB=1),
              helper.make_node("Add", ["p", "q"], ["y"], name="join")]
g = helper.make_graph(hand_nodes, "branch", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])],
                      initializer=[numpy_helper.from_array(Wb, "Wb")])
model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
save("branch.onnx", model.SerializeToString())
error_case("branch.onnx", "feeds 2 nodes", "left (Gemm)", "right (Gemm)")

# Integer weights.
g = helper.make_graph([helper.make_node("MatMul", ["x", "Wi"], ["y"], name="mm")], "int",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])],
                      initializer=[numpy_helper.from_array(np.array([[1], [2]], dtype=np.int64), "Wi")])
model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
save("int_weights.onnx", model.SerializeToString())
error_case("int_weights.onnx", "INT64", "Wi")

with open(os.path.join(HERE, "cases.json"), "w") as f:
    json.dump({"generator": "gen.py", "torch": torch.__version__, "onnx": onnx.__version__,
               "cases": cases}, f, indent=1)
print("wrote", len(cases), "cases")
