"""The tutorial's checkable statements, in order, each as the tutorial writes it.

Each `Claim` holds its section, the formula in the tutorial's own LaTeX, and an encoding in SymPy
that is faithful to the text *as written*: where the text is wrong (a sign, a definition, a bound),
the encoding says what the text says, not what it should say. No verdict is stored here: `derive
audit` computes every one.

Kinds (`ClaimKind`): scalar claims go to the verifier as they are; layer claims are index-level
statements about layer m, checked in a concrete network (`engine.layers`: every layer, two
patterns of layer widths, every index value); output claims the same for the last layer.
"""

from __future__ import annotations

import sympy as sp

from derive.audit.records import Claim, ClaimKind, Source
from derive.engine import notation as B
from derive.engine.notation import D

x, y, h, n = sp.symbols("x y h n", real=True)
z, a, w = sp.symbols("z a w", real=True)
x1, dx = sp.Symbol("x_1", real=True), sp.Symbol("Delta_x", real=True)
alpha, eta, beta = sp.symbols("alpha eta beta", real=True)
f, g = sp.Function("f", real=True), sp.Function("g", real=True)
C_, E_ = sp.Function("C", real=True), sp.Function("E", real=True)


def _tutorial_sigmoid(t):
    """The sigmoid as the tutorial's table and example define it: 1/(1 + e^z) (sic)."""
    return 1 / (1 + sp.exp(t))


def _logistic(t, b=1):
    return 1 / (1 + sp.exp(-b * t))


def claims() -> list[Claim]:
    out: list[Claim] = []

    def add(section, latex, lhs, rhs, assumptions=(), kind=ClaimKind.SCALAR, note=None):
        source = Source(f"T{len(out) + 1:02d}", 0, section, latex, note, curated=True)
        out.append(Claim(source, lhs, rhs, assumptions, kind))

    # -- Vectors --------------------------------------------------------------------------------
    OA, OB = sp.ImmutableMatrix([1, 1]), sp.ImmutableMatrix([3, 2])
    add("Vectors", r"\vec{AB} = \vec{OB} - \vec{OA} = (3 - 1)\hat{i} + (2 - 1)\hat{j}",
        sp.MatAdd(OB, sp.MatMul(-1, OA)), sp.ImmutableMatrix([sp.Add(3, -1, evaluate=False),
                                                             sp.Add(2, -1, evaluate=False)]),
        kind=ClaimKind.MATRIX)
    add("Vectors", r"\therefore \vec{AB} = 2\hat{i} + \hat{j}",
        sp.MatAdd(OB, sp.MatMul(-1, OA)), sp.ImmutableMatrix([2, 1]), kind=ClaimKind.MATRIX)

    # -- Differentiation ------------------------------------------------------------------------
    add("Differentiation",
        r"\frac{dy}{dx} = \lim_{x \rightarrow 0} \frac{f(x_1 + \Delta x) - f(x_1)}{\Delta x}",
        sp.Subs(D(f(x), x), x, x1), sp.Limit((f(x1 + dx) - f(x1)) / dx, x, 0),
        note="read as written: the limit is taken as x -> 0, and the quotient does not contain x")
    add("Power rule", r"f(x) = x^n \Rightarrow f'(x) = n \cdot x^{n-1}",
        D(x**n, x), n * x ** (n - 1), assumptions=("x > 0",))
    add("Power rule", r"f(x) = x^5,\ f'(x) = 5x^{(5-1)}", D(x**5, x), 5 * x ** (5 - 1))
    add("Power rule", r"f'(x) = 5x^{(5-1)} = 5x^4", 5 * x ** sp.Add(5, -1, evaluate=False),
        5 * x**4)
    add("Product rule", r"f(x) = f(x) \cdot g(x)", f(x), f(x) * g(x),
        note="read as written: one f on both sides")
    add("Product rule", r"f'(x) = f'(x) \cdot g(x) + f(x) \cdot g'(x)",
        D(f(x), x), D(f(x), x) * g(x) + f(x) * D(g(x), x),
        note="read as written: f' on both sides")
    product = (x**4 + 2) * sp.cos(x)
    add("Product rule",
        r"f(x) = (x^4 + 2) \cdot \cos x \Rightarrow f'(x) = 4x^3 \cdot \cos x + (x^4 + 2) \cdot (-\sin x)",
        D(product, x), 4 * x**3 * sp.cos(x) + (x**4 + 2) * (-sp.sin(x)))
    add("Product rule", r"f'(x) = 4x^3 \cos x - x^4 \sin x - 2 \sin x",
        4 * x**3 * sp.cos(x) + (x**4 + 2) * (-sp.sin(x)),
        4 * x**3 * sp.cos(x) - x**4 * sp.sin(x) - 2 * sp.sin(x))

    # -- Partial derivatives, gradient ------------------------------------------------------------
    add("Partial differentiation", r"\frac{\partial(x^4 y)}{\partial x} = 4x^3 y",
        D(x**4 * y, x), 4 * x**3 * y)
    add("Partial differentiation", r"\frac{\partial(x^4 y)}{\partial y} = x^4",
        D(x**4 * y, y), x**4)
    grad = sp.ImmutableMatrix([D(2 * x**2 + 4 * y, x), D(2 * x**2 + 4 * y, y)])
    add("Gradient", r"f(x, y) = 2x^2 + 4y,\ \nabla f = \begin{bmatrix} 4x \\ 4 \end{bmatrix}",
        grad, sp.ImmutableMatrix([4 * x, 4]), kind=ClaimKind.MATRIX)

    # -- Chain rule ---------------------------------------------------------------------------------
    zf = sp.Function("z", real=True)
    add("Chain rule", r"\frac{\partial C}{\partial w} = \frac{\partial C}{\partial z} \frac{\partial z}{\partial w}",
        D(C_(zf(w)), w), sp.Subs(D(C_(z), z), z, zf(w)) * D(zf(w), w),
        note="C a function of z, z a function of w")
    zs = [sp.Function(f"z{q}", real=True)(w) for q in (1, 2, 3)]
    slots = sp.symbols("s1:4", real=True)
    add("Chain rule",
        r"\frac{\partial C}{\partial w} = \sum_{i=1}^N \frac{\partial C}{\partial z_i} \frac{\partial z_i}{\partial w}",
        D(C_(*zs), w), sp.Add(*[sp.Subs(D(C_(*slots), s), slots, zs) * D(zq, w)
                                 for s, zq in zip(slots, zs)]),
        note="checked for N = 3")

    # -- Backpropagation in general (index level) -------------------------------------------------
    W, b, zz, a_prev, an = B.W_m, B.b_m, B.z_m, B.a_prev, B.a_m
    i, j, k, l = B.i, B.j, B.k, B.l
    C = B.C
    add("Backpropagation in general",
        r"\frac{\partial C}{\partial W_{ij}^m} = \sum_{k=1}^{N^m} \frac{\partial C}{\partial z_k^m} \frac{\partial z_k^m}{\partial W_{ij}^m}",
        D(C, W[i, j]), sp.Sum(D(C, zz[k]) * D(zz[k], W[i, j]), (k, 1, B.N_m)), kind=ClaimKind.LAYER)
    add("Backpropagation in general",
        r"\frac{\partial z_i^m}{\partial W_{ij}^m} = \frac{\partial}{\partial W_{ij}^m} \left( \sum_{l=1}^{N^m} W_{il}^m a_l^{m-1} + b_i^m \right)",
        D(zz[i], W[i, j]), D(sp.Sum(W[i, l] * a_prev[l], (l, 1, B.N_m)) + b[i], W[i, j]),
        kind=ClaimKind.LAYER, note="read as written: the sum runs to N^m (z_i sums over N^(m-1) inputs)")
    add("Backpropagation in general", r"\frac{\partial z_i^m}{\partial W_{ij}^m} = a_j^{m-1}",
        D(zz[i], W[i, j]), a_prev[j], kind=ClaimKind.LAYER)
    add("Backpropagation in general",
        r"\frac{\partial z_k^m}{\partial W_{ij}^m} = \begin{cases} 0 & k \neq i \\ a_j^{m-1} & k = i \end{cases}",
        D(zz[k], W[i, j]), sp.KroneckerDelta(i, k) * a_prev[j], kind=ClaimKind.LAYER)
    add("Backpropagation in general",
        r"\frac{\partial C}{\partial W_{ij}^m} = \frac{\partial C}{\partial z_i^m} a_j^{m-1}",
        D(C, W[i, j]), D(C, zz[i]) * a_prev[j], kind=ClaimKind.LAYER)
    add("Backpropagation in general",
        r"\frac{\partial C}{\partial W^m} = \frac{\partial C}{\partial z^m} a^{m-1\top}",
        B.dC_dW, B.delta * B.A_prev.T, kind=ClaimKind.LAYER)
    add("Backpropagation in general",
        r"\frac{\partial C}{\partial b_i^m} = \sum_{k=1}^{N^m} \frac{\partial C}{\partial z_k^m} \frac{\partial z_k^m}{\partial b_i^m}",
        D(C, b[i]), sp.Sum(D(C, zz[k]) * D(zz[k], b[i]), (k, 1, B.N_m)), kind=ClaimKind.LAYER)
    add("Backpropagation in general",
        r"\frac{\partial z_i^m}{\partial b_i^m} = \frac{\partial}{\partial b_i^m} \left( \sum_{l=1}^{N^m} W_{il}^m a_l^{m-1} + b_i^m \right) = 1",
        D(sp.Sum(W[i, l] * a_prev[l], (l, 1, B.N_m)) + b[i], b[i]), sp.S.One, kind=ClaimKind.LAYER)
    add("Backpropagation in general", r"\frac{\partial C}{\partial b_i^m} = \frac{\partial C}{\partial z_i^m}",
        D(C, b[i]), D(C, zz[i]), kind=ClaimKind.LAYER)
    add("Backpropagation in general", r"\frac{\partial C}{\partial b^m} = \frac{\partial C}{\partial z^m}",
        B.dC_db, B.delta, kind=ClaimKind.LAYER)
    add("Backpropagation in general",
        r"\frac{\partial C}{\partial z_k^L} = \frac{\partial C}{\partial a_k^L} \frac{\partial a_k^L}{\partial z_k^L}",
        D(C, zz[k]), D(C, an[k]) * D(an[k], zz[k]), kind=ClaimKind.OUTPUT)
    add("Backpropagation in general",
        r"\frac{\partial C}{\partial z_k^m} = \frac{\partial C}{\partial a_k^m} \frac{\partial a_k^m}{\partial z_k^m}",
        D(C, zz[k]), D(C, an[k]) * D(an[k], zz[k]), kind=ClaimKind.LAYER)
    add("Backpropagation in general",
        r"= \left( \sum_{l=1}^{N^{m+1}} \frac{\partial C}{\partial z_l^{m+1}} \frac{\partial z_l^{m+1}}{\partial a_k^m} \right) \frac{\partial a_k^m}{\partial z_k^m}",
        D(C, an[k]) * D(an[k], zz[k]),
        sp.Sum(D(C, B.z_next[l]) * D(B.z_next[l], an[k]), (l, 1, B.N_next)) * D(an[k], zz[k]),
        kind=ClaimKind.LAYER)
    add("Backpropagation in general",
        r"= \left( \sum_{l=1}^{N^{m+1}} \frac{\partial C}{\partial z_l^{m+1}} W_{lk}^{m+1} \right) \frac{\partial a_k^m}{\partial z_k^m}",
        D(C, zz[k]), sp.Sum(D(C, B.z_next[l]) * B.W_next[l, k], (l, 1, B.N_next))
        * D(an[k], zz[k]), kind=ClaimKind.LAYER)
    add("Backpropagation in general",
        r"\frac{\partial C}{\partial z^m} = \left( W^{m+1\top} \frac{\partial C}{\partial z^{m+1}} \right) \circ \frac{\partial a^m}{\partial z^m}",
        B.delta, sp.HadamardProduct(B.W_next_matrix.T * B.delta_next, B.sigma_prime_z),
        kind=ClaimKind.LAYER)

    # -- Backpropagation in practice: the tables ----------------------------------------------------
    add("Backpropagation in practice (activations)",
        r"a = \frac{1}{1+e^{z}},\ \frac{\partial a}{\partial z} = \sigma(z)(1 - \sigma(z))",
        D(_tutorial_sigmoid(z), z), _tutorial_sigmoid(z) * (1 - _tutorial_sigmoid(z)),
        note="the table's sigmoid, 1/(1 + e^z), as written")
    tanh_def = (sp.exp(z) - sp.exp(-z)) / (sp.exp(z) + sp.exp(-z))
    add("Backpropagation in practice (activations)",
        r"a = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}},\ \frac{\partial a}{\partial z} = 1 - (\sigma(z))^2",
        D(tanh_def, z), 1 - tanh_def**2)
    add("Backpropagation in practice (activations)",
        r"a = \max(0, z),\ \frac{\partial a}{\partial z} = 0,\ z < 0;\ 1,\ z \geq 0",
        D(sp.Max(0, z), z), sp.Piecewise((0, z < 0), (1, True)), assumptions=("z != 0",),
        note="max(0, z) has no derivative at 0: the table takes 1 there, derive takes 0; "
             "checked for z != 0")
    add("Backpropagation in practice (costs)",
        r"C = \frac{1}{2} (y - a)^\top (y - a),\ \frac{\partial C}{\partial a} = y - a",
        D((y - a) ** 2 / 2, a), y - a, note="one output unit")
    add("Backpropagation in practice (costs)",
        r"C = (y - 1) \log(1 - a) - y \log(a),\ \frac{\partial C}{\partial a} = \frac{a - y}{a(1 - a)}",
        D((y - 1) * sp.log(1 - a) - y * sp.log(a), a), (a - y) / (a * (1 - a)))

    # -- Example: sigmoid network with cross-entropy ------------------------------------------------
    s = _tutorial_sigmoid
    cost_of = lambda out: (y - 1) * sp.log(1 - out) - y * sp.log(out)  # noqa: E731
    add("Example: sigmoid network",
        r"\left( \frac{a - y}{a(1 - a)} \right) a(1 - a) = a - y",
        ((a - y) / (a * (1 - a))) * a * (1 - a), a - y)
    add("Example: sigmoid network",
        r"\frac{\partial C}{\partial z^L} = a^L - y \quad (a^L = \frac{1}{1+e^{z^L}})",
        D(cost_of(s(z)), z), s(z) - y, note="with the example's sigmoid 1/(1 + e^z), as written")
    # two layers in a chain: z1 -> a1 = s(z1) -> z2 = w a1 + c -> a2 = s(z2) -> C
    z1, c = sp.symbols("z_1 c", real=True)
    a1 = s(z1)
    z2 = w * a1 + c
    add("Example: sigmoid network",
        r"\frac{\partial C}{\partial z^{L-1}} = W^{L\top} (a^L - y) \circ a^{L-1}(1 - a^{L-1})",
        D(cost_of(s(z2)), z1), w * (s(z2) - y) * a1 * (1 - a1),
        note="one unit per layer, the example's sigmoid")
    add("Example: sigmoid network",
        r"\frac{\partial C}{\partial W^L} = (a^L - y) a^{L-1\top}",
        D(cost_of(s(z2)), w), (s(z2) - y) * a1, note="one unit per layer, the example's sigmoid")
    step = sp.Symbol("lambda", positive=True)
    gw = D(C_(w), w)
    add("Example: sigmoid network", r"W^m = W^m - \lambda \frac{\partial C}{\partial W^m}",
        sp.Subs(D(C_(w - step * gw), step), step, 0), -gw**2,
        note="a descent step: C changes by -lambda |dC/dW|^2 to first order")

    # -- Logistic and tanh --------------------------------------------------------------------------
    gb = _logistic(h, beta)
    add("Logistic function", r"\frac{dg}{dh} = \beta g(h)(1 - g(h))", D(gb, h),
        beta * gb * (1 - gb), note="g(h) = 1/(1 + exp(-beta h)), as in the code above it")
    add("Logistic function",
        r"g(h) = \tanh(h) = \frac{\exp(h) - \exp(-h)}{\exp(h) + \exp(-h)}",
        sp.tanh(h), (sp.exp(h) - sp.exp(-h)) / (sp.exp(h) + sp.exp(-h)))

    # -- Gradient descent ---------------------------------------------------------------------------
    fx = sp.Function("f", real=True)
    step_a = sp.Symbol("alpha", positive=True)
    grad_f = D(fx(x), x)
    add("Gradient descent", r"x_{i+1} = x_i + \alpha v_i,\ v_i = \nabla f(x_i)",
        sp.Subs(D(fx(x + step_a * grad_f), step_a), step_a, 0), -grad_f**2,
        note="the step is meant to move towards a minimum: f should change by -alpha |grad f|^2 "
             "to first order")
    add("Gradient descent", r"\frac{d \tanh(x)}{dx} = 1 - \tanh^2(x)", D(sp.tanh(x), x),
        1 - sp.tanh(x) ** 2)

    # -- The MLP algorithm of the second half (logistic units, three outputs) ------------------------
    E_chain = sp.Function("h", real=True)
    add("MLP algorithm", r"\frac{\partial E}{\partial w} = \frac{\partial E}{\partial h} \frac{\partial h}{\partial w}",
        D(E_(E_chain(w)), w), sp.Subs(D(E_(h), h), h, E_chain(w)) * D(E_chain(w), w),
        note="E a function of h, h a function of w")
    acts = sp.symbols("a_1:4", real=True)
    weights = sp.symbols("w_1:4", real=True)          # w_jk for the fixed output k
    add("MLP algorithm",
        r"\frac{\partial h_k}{\partial w_{jk}} = \frac{\partial \sum_l w_{lk} a_l}{\partial w_{jk}} = a_j",
        D(sum(wl * al for wl, al in zip(weights, acts)), weights[1]), acts[1],
        note="three inputs, j = 2")
    ts = sp.symbols("t_1:4", real=True)
    ys = sp.symbols("y_1:4", real=True)
    error = sum((t - yk) ** 2 for t, yk in zip(ts, ys)) / 2
    add("MLP algorithm",
        r"\frac{\partial E}{\partial g(h_k)} = \frac{\partial}{\partial g(h_k)} \left[ \frac{1}{2} \sum_k (t_k - y_k)^2 \right] = t_k - y_k",
        D(error, ys[0]), ts[0] - ys[0], note="three outputs, k = 1")
    hs = [sum(weights[q] * acts[q] for q in range(3)) + 0 * q for q in range(1)]
    y_out = _logistic(hs[0])
    E_one = (ts[0] - y_out) ** 2 / 2
    add("MLP algorithm", r"\frac{\partial E}{\partial w} = (t_k - y_k) y_k (1 - y_k) a_j",
        D(E_one, weights[1]), (ts[0] - y_out) * y_out * (1 - y_out) * acts[1],
        note="logistic output y_k = g(h_k), h_k = sum_j w_jk a_j, w = w_jk with j = 2")
    hk = sp.Symbol("h_k", real=True)
    y_h = _logistic(hk)
    add("MLP algorithm", r"\delta_k = (t_k - y_k)y_k(1 - y_k)",
        D((ts[0] - y_h) ** 2 / 2, hk), (ts[0] - y_h) * y_h * (1 - y_h),
        note="delta_k is what the update uses as dE/dh_k")
    # hidden error: one hidden unit j feeding two outputs
    hj = sp.Symbol("h_j", real=True)
    aj = _logistic(hj)
    w_out = sp.symbols("w_j1 w_j2", real=True)
    outs = [_logistic(w_out[q] * aj) for q in range(2)]
    E_two = sum((ts[q] - outs[q]) ** 2 / 2 for q in range(2))
    deltas = [sp.diff((ts[q] - _logistic(hk)) ** 2 / 2, hk).subs(hk, w_out[q] * aj)
              for q in range(2)]
    add("MLP algorithm", r"\delta_{hj} = \left[ \sum_k w_{jk} \delta_k \right] a_j(1 - a_j)",
        D(E_two, hj), sum(w_out[q] * deltas[q] for q in range(2)) * aj * (1 - aj),
        note="with delta_k = dE/dh_k; one hidden unit, two outputs")
    eta_ = sp.Symbol("eta", positive=True)
    w_k = sp.Symbol("w_jk", real=True)
    y_w = _logistic(w_k * acts[0])
    E_w = (ts[0] - y_w) ** 2 / 2
    update = (ts[0] - y_w) * y_w * (1 - y_w) * acts[0]        # the text's delta_k a_j
    add("MLP algorithm", r"w_{jk} \leftarrow w_{jk} - \eta \delta_k a_j",
        sp.Subs(D(E_w.subs(w_k, w_k - eta_ * update), eta_), eta_, 0),
        -(D(E_w, w_k)) ** 2,
        note="with the text's delta_k: the update should lower E, by -eta (dE/dw)^2 to first order")
    return out
