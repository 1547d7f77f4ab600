"""Golden numbers: Keras 3 `activity_regularizer` scaling in fit / evaluate.

Run (from /work/main/bench):
    KERAS_BACKEND=jax .venv-keras/bin/python keras_goldens/activity_regularizer.py \
        > keras_goldens/activity_regularizer.json

All weights/inputs are literal arrays (no random init). Keras Dense kernel
layout is [in_features, units]; weights are reported flattened row-major in
`model.get_weights()` order: [kernel1, bias1, kernel2, bias2].

Besides the Keras numbers, the script recomputes every quantity by hand
(jax, float32) under two hypotheses for the activity penalty:
  "div_batch":  loss = compiled_loss + sum_layers(reg(output) / batch_rows)
  "no_div":     loss = compiled_loss + sum_layers(reg(output))
and reports the max abs deviation from Keras for each, so the reader can see
which one Keras implements (in fit: reported loss AND gradient/update; and in
evaluate).
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")
# Keep CPU use modest (shared machine) and execution deterministic.
os.environ.setdefault(
    "XLA_FLAGS",
    "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
)

import json  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers, regularizers  # noqa: E402

assert keras.backend.backend() == "jax"
assert keras.config.floatx() == "float32"

F32 = np.float32

# ---------------------------------------------------------------- data ----
X = np.array(
    [
        [0.5, -1.0, 1.5, 2.0],
        [1.0, 0.0, -0.5, 0.3],
        [-1.2, 0.8, 0.4, -0.6],
        [0.3, 0.9, -1.1, 0.2],
        [2.0, -0.3, 0.6, -1.4],
    ],
    dtype=F32,
)  # 5 x 4
Y_A = np.array([[0.5], [-0.2], [1.0], [0.3], [-0.7]], dtype=F32)  # 5 x 1
Y_B = np.array([0, 2, 1, 2, 0], dtype=np.int32)  # sparse labels

# First Dense(3): kernel [in=4, units=3], bias [3] (shared by A and B).
K1 = np.array(
    [
        [0.1, -0.2, 0.3],
        [-0.4, 0.5, -0.6],
        [0.7, -0.8, 0.9],
        [-0.15, 0.25, -0.35],
    ],
    dtype=F32,
)
B1 = np.array([0.05, -0.05, 0.1], dtype=F32)
# Case A second layer Dense(1): kernel [3, 1], bias [1].
K2_A = np.array([[0.2], [-0.3], [0.4]], dtype=F32)
B2_A = np.array([0.1], dtype=F32)
# Case B second layer Dense(3, softmax): kernel [3, 3], bias [3].
K2_B = np.array(
    [[0.2, -0.3, 0.4], [-0.5, 0.6, -0.1], [0.3, 0.1, -0.2]], dtype=F32
)
B2_B = np.array([0.05, 0.0, -0.05], dtype=F32)

LR = 0.1

CASES = {
    "A": dict(
        act1="tanh", reg1=("l2", 0.01), units2=1, act2=None, reg2=None,
        loss="mse", y=Y_A, weights=[K1, B1, K2_A, B2_A],
    ),
    "B": dict(
        act1="relu", reg1=("l1", 0.05), units2=3, act2="softmax",
        reg2=("l2", 0.02), loss="sparse_categorical_crossentropy", y=Y_B,
        weights=[K1, B1, K2_B, B2_B],
    ),
}


def keras_reg(spec):
    if spec is None:
        return None
    kind, c = spec
    return regularizers.L1(c) if kind == "l1" else regularizers.L2(c)


def make_model(case):
    """Fresh compiled model with the literal initial weights."""
    c = CASES[case]
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(3, activation=c["act1"],
                         activity_regularizer=keras_reg(c["reg1"])),
            layers.Dense(c["units2"], activation=c["act2"],
                         activity_regularizer=keras_reg(c["reg2"])),
        ]
    )
    model.set_weights(c["weights"])
    model.compile(loss=c["loss"],
                  optimizer=keras.optimizers.SGD(learning_rate=LR))
    return model


def flat(ws):
    return [float(v) for w in ws for v in np.asarray(w, np.float64).ravel()]


# ------------------------------------------------- manual reference ------
def jreg(spec, out):
    if spec is None:
        return jnp.float32(0.0)
    kind, c = spec
    if kind == "l1":
        return jnp.float32(c) * jnp.sum(jnp.abs(out))
    return jnp.float32(c) * jnp.sum(jnp.square(out))


def manual_parts(case, params, x, y):
    """Returns (compiled_loss, raw_penalty_sum) in float32."""
    c = CASES[case]
    k1, b1, k2, b2 = params
    z1 = x @ k1 + b1
    h = jnp.tanh(z1) if c["act1"] == "tanh" else jax.nn.relu(z1)
    o = h @ k2 + b2
    pen = jreg(c["reg1"], h)
    if c["act2"] == "softmax":
        o = jax.nn.softmax(o, axis=-1)
        pen = pen + jreg(c["reg2"], o)
        # Keras (from_logits=False): renormalise, clip to [1e-7, 1-1e-7], -log
        p = o / jnp.sum(o, axis=-1, keepdims=True)
        p = jnp.clip(p, 1e-7, 1.0 - 1e-7)
        ce = -jnp.take_along_axis(jnp.log(p), y[:, None].astype(jnp.int32),
                                  axis=-1)[:, 0]
        data_loss = jnp.mean(ce)
    else:
        data_loss = jnp.mean(jnp.mean(jnp.square(o - y), axis=-1))
    return data_loss, pen


def manual_loss(case, params, x, y, div_batch):
    data_loss, pen = manual_parts(case, params, x, y)
    n = x.shape[0]
    return data_loss + (pen / jnp.float32(n) if div_batch else pen)


def manual_fit(case, batch_size, div_batch):
    """One epoch of plain SGD, no shuffle; returns (epoch_loss, weights).

    Epoch loss mimics Keras' loss tracker: Mean weighted by batch rows."""
    c = CASES[case]
    params = [jnp.asarray(w) for w in c["weights"]]
    x, y = jnp.asarray(X), jnp.asarray(c["y"])
    total, count, batch_losses = 0.0, 0, []
    vg = jax.value_and_grad(
        lambda p, xb, yb: manual_loss(case, p, xb, yb, div_batch))
    for s in range(0, x.shape[0], batch_size):
        xb, yb = x[s:s + batch_size], y[s:s + batch_size]
        loss, g = vg(params, xb, yb)
        params = [p - jnp.float32(LR) * gi for p, gi in zip(params, g)]
        batch_losses.append(float(loss))
        total += float(loss) * xb.shape[0]
        count += xb.shape[0]
    return total / count, flat(params), batch_losses


def maxdiff(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float64) -
                               np.asarray(b, np.float64))))


# ------------------------------------------------------------- run ------
def run_case(case):
    c = CASES[case]
    y = c["y"]
    res = {}

    # (a) evaluate on the full batch.
    m = make_model(case)
    res["evaluate_loss_bs5"] = float(
        m.evaluate(X, y, batch_size=5, verbose=0))

    # Raw (undivided) penalties at the initial weights, full batch of 5.
    h = np.asarray(m.layers[0](X))
    o = np.asarray(m.layers[1](h))
    raw1 = float(keras_reg(c["reg1"])(h))
    res["hidden_output_init"] = flat([h])
    res["hidden_preactivation_init"] = flat([X @ K1 + B1])
    res["raw_penalty_layer1_full_batch"] = raw1
    if c["reg2"] is not None:
        res["output_init"] = flat([o])
        res["raw_penalty_layer2_full_batch"] = float(keras_reg(c["reg2"])(o))
    data_loss, pen = manual_parts(case, [jnp.asarray(w) for w in c["weights"]],
                                  jnp.asarray(X), jnp.asarray(y))
    res["compiled_loss_only_init_full_batch"] = float(data_loss)
    res["raw_penalty_total_full_batch"] = float(pen)

    # (b) one fit step with batch_size=5.
    m = make_model(case)
    h5 = m.fit(X, y, batch_size=5, epochs=1, shuffle=False, verbose=0)
    res["fit_bs5_loss"] = float(h5.history["loss"][0])
    res["fit_bs5_weights"] = flat(m.get_weights())

    # (c) fresh weights, batch_size=3 -> batches of 3 then 2 rows.
    m = make_model(case)
    h3 = m.fit(X, y, batch_size=3, epochs=1, shuffle=False, verbose=0)
    res["fit_bs3_epoch_loss"] = float(h3.history["loss"][0])
    res["fit_bs3_weights"] = flat(m.get_weights())

    # Cross-checks against the two hypotheses.
    check = {}
    for name, div in (("div_batch", True), ("no_div", False)):
        ev = float(manual_loss(case, [jnp.asarray(w) for w in c["weights"]],
                               jnp.asarray(X), jnp.asarray(y), div))
        l5, w5, _ = manual_fit(case, 5, div)
        l3, w3, b3 = manual_fit(case, 3, div)
        check[name] = {
            "evaluate_loss": ev,
            "fit_bs3_epoch_loss": l3,
            # per-batch losses (rows 0-2 at initial weights, rows 3-4 after
            # the first SGD step); epoch loss = (3*b0 + 2*b1) / 5
            "fit_bs3_batch_losses": b3,
            "absdiff_evaluate": abs(ev - res["evaluate_loss_bs5"]),
            "absdiff_fit_bs5_loss": abs(l5 - res["fit_bs5_loss"]),
            "maxabsdiff_fit_bs5_weights": maxdiff(w5, res["fit_bs5_weights"]),
            "absdiff_fit_bs3_loss": abs(l3 - res["fit_bs3_epoch_loss"]),
            "maxabsdiff_fit_bs3_weights": maxdiff(w3, res["fit_bs3_weights"]),
        }
    res["manual_crosscheck"] = check
    return res


def main():
    out = {
        "versions": {
            "keras": keras.__version__,
            "backend": keras.backend.backend(),
            "jax": jax.__version__,
            "numpy": np.__version__,
            "floatx": keras.config.floatx(),
        },
        "inputs": {
            "x": flat([X]), "x_shape": list(X.shape),
            "y_A": flat([Y_A]), "y_B": [int(v) for v in Y_B],
            "kernel1": flat([K1]), "bias1": flat([B1]),
            "kernel2_A": flat([K2_A]), "bias2_A": flat([B2_A]),
            "kernel2_B": flat([K2_B]), "bias2_B": flat([B2_B]),
            "weight_layout": "kernel [in, units] row-major; order "
                             "[kernel1, bias1, kernel2, bias2]",
            "sgd_learning_rate": LR,
        },
        "A": run_case("A"),
        "B": run_case("B"),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
