"""The notation of ML notes, read as the field means it: each reading is compared with the SymPy
object a reader would write by hand, or with a fact about it (a label is a name, not a power)."""

import pytest
import sympy as sp

from derive.text import InputError
from derive.text import arrays as A
from derive.text.claims import read_claim
from derive.text.latex import parse_latex, parse_latex_sides

x, y, z, h = sp.symbols("x y z h", real=True)
f, g = sp.Function("f", real=True), sp.Function("g", real=True)
i, j, k = sp.symbols("i j k", integer=True, positive=True)


PHI = sp.Function("phi", real=True)


def sig(t):
    return 1 / (1 + sp.exp(-t))


def same(a, b) -> bool:
    return sp.simplify((sp.sympify(a) - sp.sympify(b)).doit()) == 0


@pytest.mark.parametrize("latex,expected", [
    (r"\cos x \, e^{\sin x}", sp.cos(x) * sp.exp(sp.sin(x))),     # spacing ends \cos's argument
    (r"\cos x \; e^{\sin x}", sp.cos(x) * sp.exp(sp.sin(x))),
    ("sin x + tanh(z)", sp.sin(x) + sp.tanh(z)),                   # names without a backslash
    (r"sigmoid(z) \cdot relu(z)", sig(z) * sp.Max(0, z)),
    (r"\sigma_{\mathrm{ReLU}}(z)", sp.Max(0, z)),                  # the function named below
    (r"\sigma'_{\mathrm{tanh}}(z)", 1 - sp.tanh(z)**2),
    (r"f^{(2)}(x)", sp.Derivative(f(x), (x, 2))),
    (r"\partial_x (x^2 y)", 2 * x * y),
    (r"\left. \frac{d}{dx} x^3 \right|_{x=2}", 12),
    (r"\mathbb{1}(x > 0)", sp.Piecewise((1, x > 0), (0, True))),
    (r"\begin{cases} z & z > 0 \\ 0 & \text{otherwise} \end{cases}",
     sp.Piecewise((z, z > 0), (0, True))),
    (r"\sum_{k=1}^{4} k^2", 30),
    (r"\prod_{k=1}^{3} (x + k)", (x + 1) * (x + 2) * (x + 3)),
    (r"\frac{g(x) f(x)}{g^2(x)}", f(x) / g(x)),                    # g^2(x) is g(x) squared
    (r"\sigma(x) - \sigma^2(x)", sig(x) - sig(x)**2),              # and sigma^2(x) sigma(x)'s
    (r"\sigma^{3}(z) + \sigma(z)", sig(z)**3 + sig(z)),           # (sigma applied elsewhere)
    (r"\phi^2(x) - \phi(x)", PHI(x)**2 - PHI(x)),
    (r"x \sigma^2 + \sigma^2(x)", 2 * x * sp.Symbol("sigma", real=True)**2),   # (a number there)
    (r"\sigma^2 (1 - p)", sp.Symbol("sigma", real=True)**2 * (1 - sp.Symbol("p", real=True))),
    ("x₁ + x²", sp.Symbol("x_1", real=True) + x**2),               # Unicode sub/superscripts
    (r"dy/dx", sp.Derivative(sp.Function("y", real=True)(x), x)),  # plain-text Leibniz
    (r"\frac{df}{dx}(x)", sp.Derivative(f(x), x)),
    ("x(x+1)^2", x * (x + 1)**2),                                 # the power is of (x+1) only
    (r"a(1-a)", sp.Symbol("a", real=True) * (1 - sp.Symbol("a", real=True))),
])
def test_notation_reads_as_meant(latex, expected):
    assert same(parse_latex(latex), expected)


@pytest.mark.parametrize("latex", [r"a^l", r"z^L", r"W^{l+1}", r"a^{l-1}_j", r"a^{(l)}",
                                   r"W^{[l]}", r"\delta^l_j", r"\mathbf{W}^{(2)}", r"a^{[2]}"])
def test_a_layer_label_is_part_of_a_name_never_a_power(latex):
    value = parse_latex(latex)
    assert not value.atoms(sp.Pow)            # a^l is never a to the power l
    assert not (value.free_symbols & {sp.Symbol("l", integer=True), sp.Symbol("L", integer=True)})


def test_a_power_of_a_labelled_quantity_is_written_with_parentheses():
    value = parse_latex(r"(a^l)^2")
    assert isinstance(value, sp.Pow) and value.exp == 2
    assert parse_latex(r"x^{(5-1)}") == x**4       # a parenthesised exponent stays a power
    assert parse_latex(r"x^m") == x**sp.Symbol("m", real=True)   # m labels layer letters only


def test_indices_sums_and_kronecker_delta():
    value = parse_latex(r"\sum_j w_{jk} x_j")
    (total,) = value.atoms(sp.Sum)
    assert total.limits[0][0].name == "j" and isinstance(total.limits[0][2], A.IndexSize)
    assert {str(e.base.label) for e in value.atoms(sp.Indexed)} == {"w", "x"}
    assert parse_latex(r"\delta_{ij}") == sp.KroneckerDelta(i, j)
    # a numbered subscript of an indexed letter is that entry: x_1 is x_i at i = 1
    both = parse_latex(r"x_1 + \sum_i x_i")
    assert sp.IndexedBase("x")[1] in both.atoms(sp.Indexed)
    excluded = parse_latex(r"\sum_{k \neq i} x_k")
    assert excluded.has(sp.KroneckerDelta)


def test_vectors_and_matrices_keep_their_order_and_operations():
    lhs, rhs = parse_latex_sides(r"\nabla_x x^\top A x = (A + A^\top)x")
    assert isinstance(lhs, A.Grad)
    assert isinstance(rhs, sp.Mul) and rhs.args[-1] == A.array_symbol("x")   # order kept
    delta = parse_latex(r"((W^{l+1})^\top \delta^{l+1}) \odot \sigma'(z^l)")
    assert isinstance(delta, A.Hadamard) and delta.has(A.Transposed, A.Map)
    assert isinstance(parse_latex(r"\|\mathbf{x}\|^2").base, A.NormOf)
    assert isinstance(parse_latex(r"\operatorname{softmax}(\mathbf{z})_i"), A.Entry)
    assert isinstance(parse_latex(r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}"),
                      A.MatrixLiteral)


def test_names_that_must_be_vectors_are_read_again_as_vectors():
    # W in W^T, and b added to the vector W a: arrays though nothing marks them
    reading = read_claim(r"z = W^\top a + b", latex=True)
    assert all(not s.is_commutative for s in reading.sides[1].atoms(sp.Symbol)
               if s.name in ("W", "a", "b"))


def test_a_chain_and_aligned_lines_are_read_as_a_chain():
    assert len(read_claim(r"(x+1)^2 = x^2 + 2x + 1 = (x+1)(x+1)", latex=True).links) == 2
    aligned = r"\begin{aligned} f &= x^2 \\ &= x \cdot x \end{aligned}"
    assert len(read_claim(aligned, latex=True).sides) == 3


@pytest.mark.parametrize("latex,message", [
    (r"x = 1 \text{ for } x > 0", "condition"),
    (r"a = 1 \text{ and } b = 2", "one at a time"),
    (r"f(x+h) \approx f(x)", "not an equality"),
    (r"w \leftarrow w - \eta g", "not an equality"),
    (r"a = b \\ c = d", "one at a time"),
])
def test_what_is_not_an_identity_is_refused_with_the_reason(latex, message):
    with pytest.raises(InputError, match=message):
        read_claim(latex, latex=True)


def test_definitions_teach_the_reader_its_names():
    reading = read_claim(r"\frac{dz}{dx} = \frac{dz}{dg} \frac{dg}{dx}", latex=True,
                         where=["z = f(g(x))"])
    # g in dz/dg is the value g(x) the definition applies, not an unrelated variable
    assert reading.sides[1].has(g(x))
    softmax = read_claim(r"\frac{\partial a_i}{\partial z_j} = a_i(\delta_{ij} - a_j)", latex=True,
                         where=[r"a = \operatorname{softmax}(z)"])
    (definition,) = softmax.context.definitions
    assert isinstance(definition.value, A.Softmax)


def test_primes_in_sympy_syntax_are_derivatives():
    from derive.text import parse_claim
    lhs, rhs = parse_claim("diff(f(x**2), x) = 2*x*f'(x**2)")
    assert same(lhs, rhs)     # the chain rule: f'(x^2) is f' at x^2, not f(x^2)'s derivative
    assert parse_claim("f''(x) = 0")[0] == sp.Derivative(f(x), (x, 2))
    assert same(parse_claim("sigmoid'(z) = 0")[0], sig(z) * (1 - sig(z)))
    with pytest.raises(InputError):
        parse_claim("f'(x) = x'")    # a prime needs a function and its argument


@pytest.mark.parametrize("latex,message", [
    (r"f^{-1}(f(x)) = x", "inverse function"),      # never 1/f(f(x))
    (r"\frac{d}{dt} x^2 = 2 x \dot{x}", "by time"),  # never an unrelated variable x-dot
    # arccot x in some books, 1/cot x = tan x in others: cot^{-1} x = tan x was PROVED
    (r"\cot^{-1} x = \tan x", "ambiguous"), (r"\coth^{-1} x = \tanh x", "ambiguous"),
    (r"\sec^{-1} x = \cos x", "ambiguous"),
    # J(theta)^2 was J theta^2, so d/dtheta J(theta)^2 = 2 J(theta) was PROVED (by hand it is
    # 2 J J'); Gamma(x + 1) was Gamma (x + 1) and x! = Gamma(x + 1) REFUTED; sigma^{-1}(p) was
    # p / sigma and the logit REFUTED
    (r"\frac{d}{d\theta} J(\theta)^2 = 2 J(\theta)", "function or a product"),
    (r"x! = \Gamma(x+1)", "function or a product"),
    (r"\Gamma(5) = 24", "function or a product"), (r"\zeta(2) = \frac{\pi^2}{6}", "function or"),
    (r"\sigma^{-1}(p) = \log\frac{p}{1-p}", "inverse function"),
    # TeX refuses a double superscript; x^2^3 was (x^2)^3 here and x^(2^3) in SymPy's syntax
    (r"x^2^3 = x^6", "double superscript"), (r"e^{x}^2 = e^{2x}", "double superscript"),
    # z_1, z_2 as names unrelated to z made d/dz of the softmax entry 0, PROVED; as z's entries
    # (by hand) it is the gradient (s(1 - s), -s_1 s_2), not 0
    (r"\frac{d}{dz}\left(\frac{e^{z_1}}{e^{z_1}+e^{z_2}}\right) = 0", "entries of z"),
    (r"\frac{\partial}{\partial w} (w_1 x_1 + w_2 x_2) = x_1 + x_2", "entries of w"),
    # E[aX + b] = aE[X] + b (linearity of expectation) was refuted as E times (aX + b)
    # sigma^2(t) = t: the square of the function at t, or a variance as a function of t?
    (r"\sigma^2(t) = t", "variance"), (r"\frac{d}{dt} \sigma^2(t) = 2D", "variance"),
    (r"E[aX + b] = aE[X] + b", "expectation"), (r"P[X > 0] = 1 - P[X \le 0]", "expectation"),
])
def test_notation_that_would_be_misread_is_refused(latex, message):
    with pytest.raises(InputError, match=message):
        read_claim(latex, latex=True)


@pytest.mark.parametrize("where", ["x_i = x_{i+1}", "x = x + 1", "f(x) = f(x)"])
def test_a_definition_in_terms_of_itself_is_refused(where):
    # a recurrence or an update rule defines nothing (and would never finish unfolding)
    with pytest.raises(InputError, match="in terms of itself"):
        read_claim("x = x", latex=True, where=[where])


# -- names in letters (net_{h1}, out_{o1}, E_{total}, as many backprop notes write them) ---------

def test_a_word_below_a_partial_is_a_name():
    # d/dx 1/2 (t - x)^2 = x - t, by hand; out_{o1} is one variable, target_{o1} another
    lhs, rhs = read_claim(r"\frac{\partial}{\partial out_{o1}} \frac{1}{2}(target_{o1} - "
                          r"out_{o1})^2 = out_{o1} - target_{o1}", latex=True).sides
    out, target = (sp.Symbol(n, real=True) for n in ("out_o1", "target_o1"))
    assert lhs.doit() == out - target and rhs == out - target


@pytest.mark.parametrize("latex,name", [
    (r"E_{total}", "E_total"),            # a subscript that is a word
    (r"target_{o1}", "target_o1"),        # four letters or more before a subscript
    (r"\mathrm{net}_{h1}", "net_h1"),     # a name in a font, with its subscript
    (r"\text{out}_{h1}", "out_h1"),
])
def test_a_name_in_letters_is_one_variable(latex, name):
    lhs, _ = read_claim(f"{latex} = 1", latex=True).sides
    assert lhs == sp.Symbol(name, real=True)


@pytest.mark.parametrize("latex", [
    r"T_{ijkl} = T_{ijkl}",          # indices, not a word
    r"output = 1",                   # a word with nothing that makes it a name
    r"argmax_x (-x^2) = 0",          # an operator, never the name argmax_x times -x^2
])
def test_words_that_are_not_names_are_still_refused(latex):
    with pytest.raises(InputError, match="looks like a word"):
        read_claim(latex, latex=True)


def test_an_operator_in_roman_letters_is_not_a_name():
    # argmax_x (-x^2) is 0 (by hand); read as a name argmax_x times -x^2 it would be refuted
    with pytest.raises(InputError):
        read_claim(r"\operatorname{argmax}_x (-x^2) = 0", latex=True)


def test_three_letters_without_a_partial_stay_a_product():
    lhs, rhs = read_claim(r"abc_1 = a b c_1", latex=True).sides
    assert lhs == rhs


def test_a_name_in_letters_in_the_claim_is_the_same_name_in_its_definitions():
    # out_{o1} is a name by the claim's \partial; the definition must read it so too, or E would
    # not depend on it and the true claim (d/dx 1/2 (t - x)^2 = -(t - x), by hand) would fail
    reading = read_claim(r"\frac{\partial E_{total}}{\partial out_{o1}} = -(target_{o1} - "
                         r"out_{o1})", latex=True,
                         where=[r"E_{total} = \frac{1}{2}(target_{o1} - out_{o1})^2 + "
                                r"\frac{1}{2}(target_{o2} - out_{o2})^2"])
    assert reading.context.definitions[0].value.has(sp.Symbol("out_o1", real=True))


def test_a_scalar_claim_read_with_definitions_says_what_kind_of_slip_it_is():
    # d/dout 1/2 (target - out)^2 = out - target (by hand): the claim has the sign turned
    from derive import api
    from derive.engine.verdict import Mistake, Status
    from derive.results import Numbered
    claim = r"\frac{\partial E_{total}}{\partial out_{o1}} = target_{o1} - out_{o1}"
    where = (r"E_{total} = \frac{1}{2}(target_{o1} - out_{o1})^2 + "
             r"\frac{1}{2}(target_{o2} - out_{o2})^2",)
    verdict = api.check([Numbered(1, claim)], (), True, where=where).results[0].verdict
    out, target = (sp.Symbol(n, real=True) for n in ("out_o1", "target_o1"))
    assert verdict.status is Status.REFUTED and verdict.diagnosis.mistake is Mistake.SIGN
    assert sp.simplify(verdict.correct - (out - target)) == 0


def test_a_number_above_a_name_below_a_partial_is_its_layer():
    # w^{2}_{11} below the \partial of a first-order derivative is the weight of layer 2, and so
    # everywhere in the claim: d/dw (w x + v y) = x (by hand), never d/dw of a power of w_{11}
    lhs, rhs = read_claim(r"\frac{\partial}{\partial w^{2}_{11}} (w^{2}_{11} x + w^{2}_{12} y) = x",
                          latex=True).sides
    assert sp.simplify(lhs.doit() - rhs) == 0


def test_only_a_first_order_partial_makes_a_number_above_a_layer():
    from derive.text.letters import layer_numbers
    assert layer_numbers([r"\frac{\partial E}{\partial w^{2}_{11}} = 1"]) == {"w"}
    assert layer_numbers([r"\sum_i a^2_i = 1"]) == set()                    # no derivative by it
    assert layer_numbers([r"\frac{\partial^2 E}{\partial w^2_{11}} = 1"]) == set()   # second order


def test_a_label_with_its_own_subscript_inside_a_subscript():
    # out_{h_1} is out_{h1} (h is no index letter); x_{k_1} (an index of an index) stays refused
    lhs, rhs = read_claim(r"E_{o_1} = E_{o1}", latex=True).sides
    assert lhs == rhs == sp.Symbol("E_o1", real=True)
    with pytest.raises(InputError):
        read_claim(r"x_{k_1} = 1", latex=True)


def test_claims_read_with_the_same_definitions_learn_the_same_names():
    # a document's definitions are read once for all its claims: each claim still learns from
    # them that W is a matrix and x, b are vectors, and a definition it cannot read stays an error
    where = [r"W \in \mathbb{R}^{2 \times 3}", r"z = W x + b"]
    for _ in range(2):
        reading = read_claim(r"\frac{\partial z}{\partial b} = I", latex=True, where=where)
        assert reading.quantities["W"].array and reading.context.shapes["W"] == (2, 3)
    for _ in range(2):
        with pytest.raises(InputError, match="itself"):
            read_claim("a = b", latex=True, where=["b = b + 1"])


@pytest.mark.parametrize("claim, derivative", [
    ("f_x(x,y) = 0", lambda f, x, y: sp.Derivative(f(x, y), x)),
    ("f_{xy} = 0", lambda f, x, y: sp.Derivative(f(x, y), x, y)),
    ("f_{yy}(1, 2) = 0", lambda f, x, y: sp.Subs(sp.Derivative(f(x, y), y, y), (x, y), (1, 2))),
])
def test_a_subscript_of_a_defined_functions_parameters_is_a_partial(claim, derivative):
    reading = read_claim(claim, latex=True, where=["f(x, y) = x^3 y"])
    x, y = sp.symbols("x y", real=True)
    assert reading.sides[0] == derivative(sp.Function("f", real=True), x, y)


@pytest.mark.parametrize("claim", ["f_1 = 0", "f_z = 0", "g_x = 0"])
def test_other_subscripts_stay_names(claim):
    # 1 and z are not parameters of f; g is no function with named parameters
    reading = read_claim(claim, latex=True, where=["f(x, y) = x^3 y"])
    assert not reading.sides[0].has(sp.Derivative)


def test_a_subscript_of_a_function_of_one_variable_stays_a_name():
    # f_x beside f(x) = x^2 is too often a name of its own to be read as f'
    assert not read_claim("f_x = 0", latex=True, where=["f(x) = x^2"]).sides[0].has(sp.Derivative)


@pytest.mark.parametrize("latex,expected", [
    # SymPy's own LaTeX (sp.latex of the expected side): braces around an argument's parentheses
    (sp.latex(g(x)), g(x)),
    (sp.latex(g(x)**2 + f(x * y)), g(x)**2 + f(x * y)),
    (sp.latex(sp.Function("phi", real=True)(z)), sp.Function("phi", real=True)(z)),
    (r"\operatorname{g}{\left(x \right)}", g(x)),
    (sp.latex(sp.log(1 + x**2)**2), sp.log(1 + x**2)**2),   # \log{\left(x^{2} + 1 \right)}^{2}
    (r"\sin{\left(x \right)}^{2}", sp.sin(x)**2),           # as \sin(x)^2 reads
    (r"\log{x}^2", sp.log(x**2)),                             # as \log x^2 reads
    # braces that are a command's argument stay: 1/(x + 1), and a product written in braces
    (r"\frac{1}{(x + 1)}", 1 / (x + 1)),
    (r"\sqrt{(x + 1)}", sp.sqrt(x + 1)),
    (r"a{(b + c)}", sp.Symbol("a", real=True) * (sp.Symbol("b", real=True)
                                                  + sp.Symbol("c", real=True))),
])
def test_a_function_applied_as_sympy_prints_it_is_read_as_applied(latex, expected):
    assert parse_latex(latex) == expected


def test_a_defined_function_written_alone_before_a_factor_is_refused():
    # g(t) = t^2 w: "g x" is g at x or a product of g with x, never g(t) times x with a t no one
    # wrote; written with its own variables, or alone as a quantity, it still reads as g(t)
    with pytest.raises(InputError, match="ambiguous: g is defined as a function of t"):
        read_claim(r"y = w x + g x", latex=True, where=[r"g(t) = t^2 w"])
    t = sp.Symbol("t", real=True)
    lhs, _ = read_claim(r"\frac{dg}{dt} = 2 t w", latex=True, where=[r"g(t) = t^2 w"]).sides
    assert lhs == sp.Derivative(g(t), t)
    lhs, _ = read_claim(r"\frac{\partial f}{\partial x} = y", latex=True,
                        where=[r"f(x, y) = x y"]).sides
    assert lhs == sp.Derivative(f(x, y), x)


# -- upright names (\operatorname, \mathrm, \text) before their argument: functions, never products

# the inverse hyperbolic functions under the names books write them with (ar-, arc-, arg-)
INVERSE_HYPERBOLIC_NAMES = [
    (sp.asinh, "arcsinh"), (sp.asinh, "arsinh"), (sp.asinh, "argsinh"),
    (sp.acosh, "arccosh"), (sp.acosh, "arcosh"), (sp.acosh, "argcosh"),
    (sp.atanh, "arctanh"), (sp.atanh, "artanh"), (sp.atanh, "argtanh"),
    (sp.acoth, "arccoth"), (sp.acoth, "arcoth"), (sp.asech, "arcsech"), (sp.asech, "arsech"),
    (sp.acsch, "arccsch"), (sp.acsch, "arcsch"),
]


@pytest.mark.parametrize("function, name", INVERSE_HYPERBOLIC_NAMES)
@pytest.mark.parametrize("written", [r"\operatorname{{{}}} 2x", r"\mathrm{{{}}}\, 2x",
                                     r"\operatorname{{{}}}(2x)", r"\{} 2x", r"\text{{{}}} 2x"])
def test_an_inverse_hyperbolic_function_under_another_name(function, name, written):
    assert parse_latex(written.format(name)) == function(2 * x)


def check(claim: str, functions=()):
    from derive import api
    from derive.results import Numbered
    return api.check([Numbered(1, claim)], (), True, functions).results[0].verdict


def holds_near(expected, derivative, points) -> bool:
    """`derivative` (written by hand) agrees with SymPy's derivative of `expected` at `points`."""
    diff = sp.diff(expected, x)
    return all(abs(sp.N((diff - derivative).subs(x, p), 30)) < 1e-25 for p in points)


@pytest.mark.parametrize("claim, function, derivative, points", [
    (r"\frac{d}{dx} \operatorname{arcsinh} x = \frac{1}{\sqrt{x^2 + 1}}",
     sp.asinh(x), 1 / sp.sqrt(x**2 + 1), (-2, sp.Rational(1, 3), 5)),
    (r"\frac{d}{dx} \operatorname{arsinh} x = \frac{1}{\sqrt{x^2+1}}",
     sp.asinh(x), 1 / sp.sqrt(x**2 + 1), (-2, sp.Rational(1, 3), 5)),
    (r"\frac{d}{dx}\operatorname{artanh} x = \frac{1}{1 - x^2}",
     sp.atanh(x), 1 / (1 - x**2), (-sp.Rational(1, 2), sp.Rational(1, 3))),
    (r"\frac{d}{dx} \mathrm{arcosh}\, x = \frac{1}{\sqrt{x^2 - 1}}",
     sp.acosh(x), 1 / sp.sqrt(x**2 - 1), (sp.Rational(3, 2), 4)),
    (r"\frac{d}{dx} \operatorname{arcoth} x = \frac{1}{1 - x^2}",
     sp.acoth(x), 1 / (1 - x**2), (-3, sp.Rational(3, 2))),
    (r"\frac{d}{dx} \operatorname{arsech} x = -\frac{1}{x \sqrt{1 - x^2}}",
     sp.asech(x), -1 / (x * sp.sqrt(1 - x**2)), (sp.Rational(1, 4), sp.Rational(2, 3))),
    (r"\frac{d}{dx} \operatorname{arcsch} x = -\frac{1}{|x| \sqrt{1 + x^2}}",
     sp.acsch(x), -1 / (sp.Abs(x) * sp.sqrt(1 + x**2)), (-2, sp.Rational(1, 2))),
])
def test_the_derivative_of_an_inverse_hyperbolic_function_under_another_name(
        claim, function, derivative, points):
    # each right side is the textbook derivative, checked against SymPy's diff first; the claim
    # once read as d/dx (arcsinh times x) = arcsinh and was refuted
    assert holds_near(function, derivative, points)
    assert check(claim).status.holds is True


@pytest.mark.parametrize("claim", [
    r"\operatorname{arcsinh} 2x = 2 \operatorname{arcsinh} x",
    r"\operatorname{arsinh} 2x = 2 \operatorname{arsinh} x",
    r"\mathrm{arcsinh}\, 2x = 2 \mathrm{arcsinh} x",
    r"\operatorname{arccosh} 2x = 2 \operatorname{arccosh} x",
])
def test_a_false_claim_about_an_upright_function_is_not_proved_as_a_product(claim):
    # read as arcsinh times 2x it was "proved"; asinh(2) = 1.4436 but 2 asinh(1) = 1.7627, and
    # acosh(4) = 2.0634 but 2 acosh(2) = 2.6339 (mpmath)
    import mpmath
    assert abs(mpmath.asinh(2) - 2 * mpmath.asinh(1)) > 0.3
    assert abs(mpmath.acosh(4) - 2 * mpmath.acosh(2)) > 0.5
    verdict = check(claim)
    assert verdict.status.holds is False and "arcsinh" not in str(verdict.lhs)


def refusal(claim: str) -> str:
    with pytest.raises(InputError) as refused:
        read_claim(claim, latex=True)
    return str(refused.value)


@pytest.mark.parametrize("name", ["GELU", "swish", "Si", "gd", "sinc", "logit", "Var", "arccot",
                                  "arcsec", "arccsc"])
@pytest.mark.parametrize("written", [r"\operatorname{{{}}} 2x = 2 \operatorname{{{}}} x",
                                     r"\mathrm{{{}}}\, 2x = 2 \mathrm{{{}}} x",
                                     r"\operatorname{{{}}}^2 x = \operatorname{{{}}} x^2",
                                     r"\frac{{d}}{{dx}} \operatorname{{{}}} x = \operatorname{{{}}}' x"])
def test_an_unknown_upright_function_is_refused_with_or_without_parentheses(name, written):
    # without parentheses these were read as the variable NAME times x; with them, refused
    parenthesized = refusal(rf"\operatorname{{{name}}}(2x) = 2 \operatorname{{{name}}}(x)")
    assert parenthesized.startswith(rf"unknown function \mathrm{{{name}}}")
    assert refusal(written.format(name, name)) == parenthesized


@pytest.mark.parametrize("name, way_out", [("arccot", r"\arctan"), ("arcsec", r"\arccos(1/x)"),
                                           ("arccsc", r"\arcsin(1/x)")])
def test_an_inverse_function_books_disagree_on_is_refused_with_the_reason(name, way_out):
    # arccot(-1) is 3 pi/4 with values in (0, pi) and -pi/4 with values in (-pi/2, pi/2]
    with pytest.raises(InputError, match="some books") as refused:
        read_claim(rf"\operatorname{{{name}}} x = 1", latex=True)
    assert way_out in str(refused.value)


def test_a_variance_written_before_its_argument_is_refused_and_a_lone_upright_name_stays_one():
    # Var(2X) = 4 Var(X) (by hand) was refuted as Var times 2X; MSE alone is still a quantity
    with pytest.raises(InputError, match=r"unknown function \\mathrm\{Var\}"):
        read_claim(r"\operatorname{Var} 2X = 4\operatorname{Var} X", latex=True)
    lhs, rhs = read_claim(r"\mathrm{MSE} \cdot x = \text{MSE} \cdot x^2", latex=True).sides
    mse = sp.Symbol("MSE", real=True)
    assert lhs == mse * x and rhs == mse * x**2


@pytest.mark.parametrize("written", [r"\text{GELU} x = x", r"\text{GELU}(x) = x"])
def test_an_acronym_in_text_before_its_argument_is_refused(written):
    with pytest.raises(InputError, match=r"unknown function \\text\{GELU\}"):
        read_claim(written, latex=True)


def test_a_declared_upright_function_is_applied_with_or_without_parentheses():
    # GELU declared (--function GELU) is any function: GELU 2x is GELU(2x), not 2 GELU(x)
    gelu = sp.Function("GELU", real=True)
    lhs, rhs = read_claim(r"\operatorname{GELU} 2x = \text{GELU}(2x)", latex=True,
                          functions=("GELU",)).sides
    assert lhs == rhs == gelu(2 * x)
    assert check(r"\operatorname{GELU} 2x = 2 \operatorname{GELU} x", ("GELU",)).status.holds \
        is False


SIGMA = sp.Symbol("sigma", real=True)


@pytest.mark.parametrize("latex, expected", [
    # the letter differentiated Leibniz-style is that function wherever it stands alone (by
    # hand: sigma' = sigma (1 - sigma), and the product rule with y = y(x))
    (r"\frac{d\sigma}{dz} = \sigma(1-\sigma)", (sp.diff(sig(z), z), sig(z) * (1 - sig(z)))),
    (r"\frac{d\sigma}{dz} = \sigma - \sigma^2", (sp.diff(sig(z), z), sig(z) - sig(z)**2)),
    (r"\frac{d}{dx}(x y) = y + x\frac{dy}{dx}",
     (sp.diff(x * sp.Function("y", real=True)(x), x),
      sp.Function("y", real=True)(x) + x * sp.diff(sp.Function("y", real=True)(x), x))),
    # with no such derivative, sigma(1 - sigma) is a product of the number sigma
    (r"\sigma(1-\sigma) = \sigma", (SIGMA * (1 - SIGMA), SIGMA)),
])
def test_a_letter_differentiated_leibniz_style_is_the_function_where_it_stands_alone(latex,
                                                                                       expected):
    sides = parse_latex_sides(latex)
    assert all(same(side, want) for side, want in zip(sides, expected)), sides


@pytest.mark.parametrize("claim, where, holds", [
    # sigma written alone for sigma(z), where the claim applies sigma at z only (by hand:
    # sigma' = sigma (1 - sigma) = 1/4 at 0, where sigma (1 + sigma) = 3/4)
    (r"\sigma'(z) = \sigma(1 - \sigma)", [], True),
    (r"\frac{d}{dz}\sigma(z) = \sigma(1-\sigma)", [], True),
    (r"\sigma'(z) = \sigma(1 + \sigma)", [], False),
    # or at one argument of another form (by hand: d/dz sigma(wz + b) = w sigma(1 - sigma), and
    # d/dx sigma(2x) = 2 sigma(1 - sigma), not sigma(1 - sigma))
    (r"\frac{d}{dz}\sigma(wz+b) = w\sigma(1-\sigma)", [], True),
    (r"\frac{d}{dx}\sigma(2x) = \sigma(1-\sigma)", [], False),
    # not where sigma is a scale or a deviation: assumed, in a denominator, beside the sigmoid,
    # in its argument (by hand: d/dx x^2/(2 sigma^2) = x/sigma^2; d/dx sigma(x/sigma) =
    # sigma'(x/sigma)/sigma)
    (r"\frac{d}{dx}\left(\sigma(x) + \frac{x^2}{2\sigma^2}\right) = \sigma(x)(1-\sigma(x)) + "
     r"\frac{x}{\sigma^2}", [], True),
    (r"\frac{d}{dx}\sigma(\frac{x}{\sigma}) = \frac{1}{\sigma}\sigma(\frac{x}{\sigma})"
     r"(1-\sigma(\frac{x}{\sigma}))", [], True),
    (r"\frac{d}{dx} \left(\sigma \sigma(x)\right) = \sigma \sigma(x)(1-\sigma(x))", [], True),
    # or where its definitions apply it at one name only
    (r"\frac{da}{dz} = \sigma(1 - \sigma)", [r"a = \sigma(z)"], True),
    (r"\frac{da}{dz} = \sigma(1 + \sigma)", [r"a = \sigma(z)"], False),
])
def test_sigma_written_alone_is_the_sigmoid_at_the_one_argument_it_is_applied_at(
        claim, where, holds):
    from derive import api
    from derive.results import Numbered
    run = api.check([Numbered(1, claim)], latex=True, where=where)
    assert run.results[0].verdict.status.holds is holds


@pytest.mark.parametrize("claim, where", [
    # beside z = w x + b, d sigma/dw is sigma'(z) x by the chain rule, or sigma'(w): read as the
    # second, sigma(1 - sigma) (false: x sigma'(z), by hand) was PROVED
    (r"\frac{\partial \sigma}{\partial w} = \sigma(1-\sigma)", ["z = w x + b"]),
    (r"\frac{d\sigma}{dw} = \sigma(1-\sigma)", ["z = w^2"]),
])
def test_sigma_differentiated_beside_definitions_is_refused_as_ambiguous(claim, where):
    with pytest.raises(InputError, match="ambiguous"):
        read_claim(claim, latex=True, where=where)


@pytest.mark.parametrize("claim, where", [
    # dy/dx dx/dy = 1 (the inverse function rule) was refuted with x(y) and y(x) unrelated; and
    # dy/dx = -x/y on x^2 + y^2 = 1 (implicit differentiation, by hand) with y a stand-in
    (r"\frac{dy}{dx}\frac{dx}{dy} = 1", []),
    (r"\frac{dy}{dx} = -\frac{x}{y}", ["x^2 + y^2 = 1"]),
])
def test_inverse_and_implicitly_defined_functions_are_refused(claim, where):
    with pytest.raises(InputError):
        read_claim(claim, latex=True, where=where)


def test_sigma_of_one_minus_sigma_is_refused_where_sigma_is_a_defined_function():
    # sigma(1 - sigma) with sigma(z) defined: sigma times (1 - sigma), or sigma at 1 - sigma?
    # (read the second way, 2 sigma(1 - sigma(z)) made a true slope refuted)
    with pytest.raises(InputError, match="ambiguous"):
        read_claim(r"\frac{d}{dx}\sigma(2x) = 2\sigma(1-\sigma)", latex=True,
                   where=[r"\sigma(z) = \frac{1}{1+e^{-z}}"])
