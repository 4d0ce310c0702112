"""The encoder's forward pass run by onnxruntime, with its dense weights in int8.

`helpers.encoder` runs the network in NumPy, the reference; this is the same network (the
same first LAYERS layers, the same tanh GELU, the weights as `MiniLM` holds them) written as
an ONNX graph with the `onnx` package, and its weight products quantised dynamically to
int8 (`onnxruntime.quantization.quantize_dynamic`: int8 weights with one scale per output
column, the activations quantised on the fly, int32 accumulation; VNNI where the CPU has
it). Against NumPy's float32 it left target-minilm's NewsMTSC rw dev macro-F1 unchanged
(0.9808) and moved mt dev from 0.9735 to 0.9699 (dev is in the model's training data), and
it ran two to three times as fast on one core (11,000-14,000 word pieces a second against
4,600-7,500, on BBC sentences, on a shared machine).

The graph is built from the installed weights, never downloaded, once per build recipe
(RECIPE) and package version, and kept in the helpers cache folder. When onnxruntime or
onnx is missing the NumPy path runs instead.

Each sentence is run alone: the activations' int8 scale is taken over the whole input, so
in a batch a sentence's numbers would depend on its company (and on padding); alone they do
not, and measured on BBC sentences one at a time was as fast as batches of 512 pieces.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

RECIPE = "minilm-int8-per-column-2"  # change when the graph or its quantisation changes
THREADS = 1  # on two cores shared with the parser and other workers, one is faster overall


def available() -> bool:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def graph_path(encoder) -> Path:
    """Where the quantised graph is kept: keyed by the weights' package version, the number
    of layers, RECIPE and the version of onnxruntime (whose quantiser wrote it)."""
    from helpers.cache import cache_dir
    from helpers.encoder import LAYERS, PACKAGE

    versions = [importlib.metadata.version(name) for name in (PACKAGE.replace("_", "-"), "onnxruntime")]
    key = hashlib.sha256(f"{PACKAGE}-{versions}-{LAYERS}-{RECIPE}".encode()).hexdigest()[:16]
    return cache_dir() / "encoder" / f"minilm-{key}.onnx"


def build_graph(encoder):
    """The network of `encoder` (a `helpers.encoder.MiniLM`) as an ONNX model, float32.

    Input: `ids` (1 x length, int64), one list of piece ids with [CLS] and [SEP]. Output:
    `states` (1 x length x width)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, weights = [], []
    counter = iter(range(10**6))

    def constant(array, name=None) -> str:
        name = name or f"c{next(counter)}"
        weights.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(op: str, inputs: list[str], **attributes) -> str:
        out = f"t{next(counter)}"
        nodes.append(helper.make_node(op, inputs, [out], **attributes))
        return out

    def dense(x: str, matrix: np.ndarray, bias: np.ndarray, name: str) -> str:
        return node("Add", [node("MatMul", [x, constant(matrix, name)]), constant(bias)])

    def norm(x: str, pair) -> str:
        return node("LayerNormalization", [x, constant(pair[0]), constant(pair[1])], axis=-1,
                    epsilon=float(encoder.epsilon))

    width, heads = encoder.width, encoder.heads
    ids_shape = node("Shape", ["ids"])
    length = node("Gather", [ids_shape, constant(np.array(1, dtype=np.int64))], axis=0)
    positions = node("Range", [constant(np.array(0, dtype=np.int64)), length,
                               constant(np.array(1, dtype=np.int64))])
    x = node("Add", [node("Gather", [constant(encoder.words), "ids"]),
                     node("Gather", [constant(encoder.positions), positions])])
    x = norm(x, encoder.embedding_norm)
    split_shape = constant(np.array([0, 0, 3, heads, width // heads], dtype=np.int64))
    merged_shape = constant(np.array([0, 0, width], dtype=np.int64))
    for n, layer in enumerate(encoder.layers):
        qkv = dense(x, layer["qkv"], layer["qkv_bias"], f"layer{n}.qkv")
        qkv = node("Transpose", [node("Reshape", [qkv, split_shape])], perm=[2, 0, 3, 1, 4])
        query, key, value = (node("Gather", [qkv, constant(np.array(i, dtype=np.int64))], axis=0)
                             for i in range(3))
        scores = node("MatMul", [query, node("Transpose", [key], perm=[0, 1, 3, 2])])
        attended = node("MatMul", [node("Softmax", [scores], axis=-1), value])
        attended = node("Reshape", [node("Transpose", [attended], perm=[0, 2, 1, 3]), merged_shape])
        x = norm(node("Add", [dense(attended, layer["out"], layer["out_bias"], f"layer{n}.out"), x]),
                 layer["norm1"])
        up = node("Gelu", [dense(x, layer["up"], layer["up_bias"], f"layer{n}.up")], approximate="tanh")
        x = norm(node("Add", [dense(up, layer["down"], layer["down_bias"], f"layer{n}.down"), x]),
                 layer["norm2"])
    nodes[-1].output[0] = "states"
    graph = helper.make_graph(
        nodes, "minilm",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "length"])],
        [helper.make_tensor_value_info("states", TensorProto.FLOAT, ["batch", "length", width])],
        weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 10
    onnx.checker.check_model(model)
    return model


def quantised_graph(encoder, path: Path) -> None:
    """Builds the graph, quantises its weight products to int8 and writes it to `path`."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    path.parent.mkdir(parents=True, exist_ok=True)
    model = build_graph(encoder)
    for n in model.graph.node:  # quantize_dynamic picks nodes by name
        n.name = n.output[0]
    # the weight products only: attention's products of activations stay float32
    weighted = [n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1].startswith("layer")]
    plain = path.with_suffix(f".{os.getpid()}.float.onnx")
    partial = path.with_suffix(f".{os.getpid()}.part")
    # quantize_dynamic advises "pre-processing" (shape inference, for models with fixed
    # shapes) through the root logger; it does not apply here, so it is not shown.
    root, level = logging.getLogger(), logging.getLogger().level
    root.setLevel(logging.ERROR)
    try:
        onnx.save(model, plain)
        # one scale per output column of each weight matrix: with one per matrix, NewsMTSC
        # rw dev macro-F1 fell by 0.006; per column it did not move
        quantize_dynamic(plain, partial, weight_type=QuantType.QInt8, per_channel=True,
                         nodes_to_quantize=weighted, extra_options={"MatMulConstBOnly": True})
        partial.replace(path)  # atomic: workers building it at once never read half a file
    finally:
        root.setLevel(level)
        plain.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)


class OnnxEncoder:
    """Runs the quantised graph on batches of piece ids, as `MiniLM.hidden_states` does."""

    def __init__(self, encoder):
        import onnxruntime

        path = graph_path(encoder)
        if not path.exists():
            quantised_graph(encoder, path)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        # onnxruntime's extended fusions (DynamicQuantizeMatMul, SkipLayerNormalization) ran
        # 1.28x slower here than the unfused int8 products and layer norms on sentences of
        # 10-60 pieces (24,800 against 31,600 pieces a second, one thread)
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.first, self.last = encoder.first, encoder.last

    def hidden_states(self, batch: Sequence[Sequence[int]]) -> list[np.ndarray]:
        ids = [np.array([[self.first, *pieces, self.last]], dtype=np.int64) for pieces in batch]
        return [self.session.run(["states"], {"ids": one})[0][0] for one in ids]


@functools.cache
def load_onnx_encoder(encoder) -> OnnxEncoder:
    return OnnxEncoder(encoder)
