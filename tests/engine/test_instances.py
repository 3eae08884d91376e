"""Vector, index and layer claims, decided by instantiating them. Every expectation is a textbook
fact checked by hand (Nielsen's BP1-BP4, the matrix cookbook's gradient of x^T A x, the softmax
Jacobian) or a mutation of one that a hand computation at small sizes shows to be false."""

import re

import numpy as np
import pytest
import sympy as sp

from derive import api
from derive.engine.verdict import Status
from derive.results import Checked, Numbered
from derive.text import InputError
from derive.text import arrays as A

NETWORK = [r"z^{l} = W^{l} a^{l-1} + b^{l}", r"a^{l} = \sigma(z^{l})",
           r"\delta^{l} = \frac{\partial C}{\partial z^{l}}", r"\sigma \text{ is a function}"]


def verdict(claim: str, where=(), timeout: float = 10):
    run = api.check([Numbered(1, claim)], latex=True, timeout=timeout, where=where)
    (result,) = run.results
    assert isinstance(result, Checked)
    return result.verdict


@pytest.mark.parametrize("claim,holds", [
    # BP4 at index level, and with the indices of the activation and the error swapped
    (r"\frac{\partial C}{\partial W^l_{jk}} = a^{l-1}_k \delta^l_j", True),
    (r"\frac{\partial C}{\partial W^l_{jk}} = a^{l-1}_j \delta^l_k", False),
    # BP2 in vector form, and without the transpose (square layers make it well-shaped)
    (r"\delta^l = ((W^{l+1})^\top \delta^{l+1}) \odot \sigma'(z^l)", True),
    (r"\delta^l = (W^{l+1} \delta^{l+1}) \odot \sigma'(z^l)", False),
])
def test_backprop_equations_of_a_network_with_a_generic_cost(claim, holds):
    v = verdict(claim, NETWORK)
    assert v.status.holds is holds, v.note
    if holds:   # evidence, not a proof: the verdict says what it covered
        assert v.status is Status.NUMERIC and "l = 1" in v.covered
    else:
        assert "fails at l = " in v.note


def test_a_counterexample_shows_the_entries_a_constraint_sets():
    # (by hand: dL/dz_k = p_k - y_k with one-hot targets, so the + 1 is wrong) the point shown
    # is the one compared: its targets sum to 1, as the constraint makes them
    v = verdict(r"\frac{\partial \mathcal{L}}{\partial z_k} = p_k - y_k + 1",
                (r"\mathcal{L} = -\sum_k y_k \log p_k", r"p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
                 r"\sum_k y_k = 1"))
    assert v.status is Status.REFUTED
    targets = [value for name, value in v.counterexample.point.items() if name.startswith("y[")]
    assert len(targets) >= 2 and sum(targets) == 1, v.counterexample.point


@pytest.mark.parametrize("claim", [
    # with vectors and matrices these are false (by hand: dC/da^{l-1} = (W^l)^T delta^l and
    # dC/dW^l = delta^l (a^{l-1})^T; W^l delta^l is wrong for a non-square W^l, delta^l a^{l-1}
    # a product of two column vectors): nothing in them or in NETWORK makes any quantity a
    # vector, and read as numbers they held, where no transposition can show
    r"\frac{\partial C}{\partial a^{l-1}} = W^l \delta^l",
    r"\frac{\partial C}{\partial W^l} = \delta^l a^{l-1}",
    # arrays, but the claim forces each of its own to one entry (the definitions' others have more)
    r"\frac{\partial C}{\partial a^{l-1}} = W^l \odot \delta^l",
    r"\frac{\partial C}{\partial W^l} = (a^{l-1})^T \delta^l",
])
def test_a_product_of_layer_quantities_read_as_numbers_is_no_evidence(claim):
    v = verdict(claim, NETWORK)
    assert v.status is Status.UNDECIDED and ("one entry" in v.note
                                              or "read as a number" in v.note), v
    # BP3 has no product to transpose: read as numbers it is evidence (by hand: dC/db^l = delta^l)
    assert verdict(r"\frac{\partial C}{\partial b^l} = \delta^l", NETWORK).status.holds


@pytest.mark.parametrize("claim,where,holds", [
    (r"\nabla_x x^\top A x = (A + A^\top)x", (), True),
    (r"\nabla_x x^\top A x = 2 A x", (), False),          # only for a symmetric A
    (r"\frac{\partial a_i}{\partial z_j} = a_i(\delta_{ij} - a_j)",
     (r"a = \operatorname{softmax}(z)",), True),
    (r"\frac{\partial a_i}{\partial z_j} = a_j(\delta_{ij} - a_i)",
     (r"a = \operatorname{softmax}(z)",), True),          # symmetric: looks wrong, holds
    (r"\frac{\partial a_i}{\partial z_j} = a_i(1 - a_j)",
     (r"a = \operatorname{softmax}(z)",), False),         # the diagonal formula everywhere
    (r"\nabla_W \frac{1}{2}\|W x - y\|^2 = (W x - y) x^\top", (), True),
    (r"\nabla_W \frac{1}{2}\|W x - y\|^2 = x (W x - y)^\top", ("W \\in \\mathbb{R}^{2 \\times 2}",),
     False),
    (r"\frac{\partial \mathcal{L}}{\partial z_k} = p_k - y_k",
     (r"\mathcal{L} = -\sum_k y_k \log p_k", r"p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
      r"\sum_k y_k = 1"), True),
    (r"\frac{\partial \mathcal{L}}{\partial z_k} = p_k - y_k",   # without the one-hot constraint
     (r"\mathcal{L} = -\sum_k y_k \log p_k", r"p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}"), False),
    # an entry of a parenthesised expression (once "unexpected '_'" unless its names were
    # declared arrays): the i-th entry of A x, and of A^T x, which differs unless A is symmetric
    (r"(A x)_i = \sum_k A_{ik} x_k", (), True),
    (r"(A x)_i = \sum_k A_{ki} x_k", (), False),
    (r"(W a + b)_j = \sum_k W_{jk} a_k + b_j", (), True),
    (r"(x + y)_i = x_i - y_i", (), False),
    # the matrix cookbook by an entry (once refused as "the derivative of a vector by a scalar
    # entry"): d/dx_i x^T A x = ((A + A^T) x)_i; 2 (A x)_i only for a symmetric A
    (r"\frac{\partial}{\partial x_i} (x^\top A x) = ((A + A^\top) x)_i", (), True),
    (r"\frac{\partial}{\partial x_i} x^\top A x = 2 (A x)_i", (), False),
    # w_{k1} in a sum over k is the entry (k, 1), once the name w_k1, the same for every k
    (r"\sum_k w_{k1} x_k = \sum_k x_k w_{k,1}", (), True),
    (r"\sum_k w_{k1} x_k = \sum_k x_k w_{1,k}", (), False),
    # a number as the index of a parenthesised expression (once "cannot read the index"):
    # sum_k w_k1 x_k is the first entry of w^T x, not the second (by hand)
    (r"\sum_k w_{k1} x_k = (w^\top x)_1", (), True),
    (r"\sum_k w_{k1} x_k = (w^\top x)_2", (), False),
    # a shifted index in a sum over its letter is an entry too (by hand: the same terms)
    (r"\sum_{k=1}^{n-1} x_{k+1} = \sum_{k=2}^{n} x_k", (), True),
    (r"\sum_{k=1}^{n-1} x_{k+1} = \sum_{k=1}^{n-1} x_k", (), False),
])
def test_vector_and_index_identities(claim, where, holds):
    assert verdict(claim, where).status.holds is holds


def test_a_claim_with_nothing_to_choose_is_proved():
    assert verdict(r"\sum_{i=1}^{3} x_i = x_1 + x_2 + x_3").status is Status.PROVED
    assert verdict(r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}").status is Status.PROVED
    assert verdict(r"\frac{dJ}{dL} = 1", ["J = L + s"]).status is Status.PROVED


@pytest.mark.parametrize("claim,holds", [
    # a closed form that fits n = 1, 2, 3 only: 2^n - 1 against n^2 - n + 1 (7 = 7 at n = 3,
    # 15 against 13 at n = 4), and sums that differ by c n(n-1)(n-2)(n-3)
    (r"\sum_{k=1}^{n} 2^{k-1} = n^2 - n + 1", False),
    (r"\sum_{k=1}^{n} 2^{k-1} = 2^n - 1", True),
    (r"\sum_{k=1}^{n} k^2 = \frac{n(n+1)(2n+1)}{6} + n(n-1)(n-2)(n-3)", False),
    (r"\prod_{k=1}^{n} \frac{k+1}{k} = n + 1 + (n-1)(n-2)(n-3)", False),
    # meant for n >= 3: at n = 1 SymPy still gives the sum from 3 to 1 a value, no evidence
    (r"\sum_{k=3}^{n} k = \frac{n(n+1)}{2} - 3", True),
    (r"\sum_{k=3}^{n} 1 = n - 2", True),
    (r"\sum_{k=3}^{n} 1 = \max(n - 2, 0)", True),   # at n = 1 SymPy's sum is -1
])
def test_a_sum_to_n_is_refuted_at_a_whole_n_where_it_fails(claim, holds):
    """The instances take n at two sizes; a formula wrong only from n = 4 on was NUMERIC."""
    v = verdict(claim)
    assert v.status.holds is holds, v.note
    if not holds:
        assert v.status is Status.REFUTED and int(v.counterexample.point["n"]) >= 4


def test_einstein_summation_only_when_declared():
    claim = r"\frac{d}{dx_k}x_ia_{ij}x_j = a_{kj}x_j + x_ia_{ik}"
    assert verdict(claim, [r"\text{Einstein summation}"]).status.holds
    assert verdict(claim.replace("x_ia_{ik}", "x_ia_{ki}"),
                   [r"\text{Einstein summation}"]).status is Status.REFUTED
    # undeclared, the repeated indices are read both ways, and the readings differ here
    both = verdict(claim)
    assert both.status is Status.UNDECIDED and "Einstein summation it is NUMERIC" in both.note \
        and "no implied sum it is REFUTED" in both.note
    # a product written with k twice on both sides holds either way: no ambiguity to report
    chain = verdict(r"\frac{\partial C}{\partial a_k} \frac{\partial a_k}{\partial z_k} = "
                    r"\frac{\partial C}{\partial a_k} \sigma'(z_k)", [r"a_k = \sigma(z_k)"])
    assert chain.status.holds


def test_a_jacobian_without_a_stated_layout_is_read_both_ways():
    claim = r"\frac{\partial (A x)}{\partial x} = A^\top"
    # square A: A (numerator layout) and A^T (denominator layout) both fit, and differ
    both = verdict(claim, [r"A \in \mathbb{R}^{2 \times 2}"])
    assert both.status is Status.UNDECIDED and "numerator layout" in both.note
    assert verdict(claim, [r"A \in \mathbb{R}^{2 \times 2}",
                           r"\text{denominator layout}"]).status.holds
    assert verdict(claim, [r"A \in \mathbb{R}^{2 \times 2}",
                           r"\text{numerator layout}"]).status is Status.REFUTED
    # a 2 x 3 A: only the denominator layout gives a 3 x 2 matrix, so there is one reading
    assert verdict(claim, [r"A \in \mathbb{R}^{2 \times 3}"]).status.holds


def test_shapes_that_cannot_agree_are_refused_not_refuted():
    with pytest.raises(InputError, match="sizes do not match"):
        verdict(r"W x = x", [r"W \in \mathbb{R}^{2 \times 3}", r"x \in \mathbb{R}^{3}"])


def test_an_undefined_quantity_on_one_side_is_not_refuted():
    v = verdict(r"\mathbf{O} = \mathbf{X} \mathbf{W}")
    assert v.status is Status.UNDECIDED and "not defined" in v.note


@pytest.mark.parametrize("claim", [
    r"\delta_{ij} = x + \sum_{i} \frac{\partial}{\partial x_i} \delta_{ij}",   # i free and summed
    r"\log z \frac{\partial C}{\partial z_j} = x",                              # a complex value
    r"\delta_{ij} \log 2 = \frac{\partial C}{\partial z_j}",
    r"2 = b \delta^{l+1} x \sum_{i} \frac{\partial C}{\partial z_j}",
])
def test_odd_claims_found_by_fuzzing_are_decided_or_refused_never_crash(claim):
    try:
        v = verdict(claim, timeout=5)
    except InputError:
        return
    assert "crash" not in (v.note or ""), v.note


def test_an_empty_cases_environment_is_refused():
    with pytest.raises(InputError, match="empty"):
        verdict(r"\begin{cases} \end{cases} = 1")


def test_a_worked_example_is_compared_to_the_places_it_is_written_with():
    # -ln 0.245 = 1.40649...: written 1.406 it holds, 1.416 it does not (a slip of a digit)
    assert verdict(r"-\log(0.245) = 1.406").status.holds
    assert verdict(r"-\log(0.245) = 1.416").status is Status.REFUTED
    # a chain that first names its value: L = ... = 1.406 states no identity about L
    assert verdict(r"L = -\log(0.245) = 1.406").status.holds
    assert verdict(r"x = 1.5").status is Status.REFUTED   # a variable, not a worked value


@pytest.mark.parametrize("claim, status", [
    # 1/2 (0.01 - 0.75136507)^2 = 0.27481108350805 (exact, by hand): cut off at 9 places it is
    # 0.274811083, rounded 0.274811084; 0.274811082 is neither
    (r"\frac{1}{2}(0.01 - 0.75136507)^2 = 0.274811083", Status.NUMERIC),
    (r"\frac{1}{2}(0.01 - 0.75136507)^2 = 0.274811084", Status.NUMERIC),
    (r"\frac{1}{2}(0.01 - 0.75136507)^2 = 0.274811082", Status.REFUTED),
    # -(0.217071535)(0.772928465)(0.227071535) = -0.038098236611066 (exact): a negative result
    (r"-(0.99 - 0.772928465) \cdot 0.772928465(1 - 0.772928465) = -0.03809823661",
     Status.NUMERIC),
    (r"0.1 + 0.2 = 0.3", Status.PROVED),                  # exactly equal numbers
    (r"0.40 - 0.5 \cdot 0.0821671041 = 0.35891648", Status.REFUTED),   # 0.35891644795
])
def test_a_worked_value_may_be_rounded_or_cut_off_but_not_wrong(claim, status):
    assert verdict(claim).status is status


@pytest.mark.parametrize("claim, where", [
    # W x is an n-vector and x an m-vector: the claim is defined only when n = m (by hand)
    (r"\mathbf{W} \mathbf{x} = \mathbf{x}",
     [r"\mathbf{W} \in \mathbb{R}^{n \times m}", r"\mathbf{x} \in \mathbb{R}^{m}"]),
    # a sum to n of the entries of an m-vector
    (r"\sum_{i=1}^{n} x_i = s", [r"\mathbf{x} \in \mathbb{R}^{m}"]),
])
def test_sizes_named_apart_are_not_made_equal_to_fit_a_claim(claim, where):
    with pytest.raises(InputError, match="agree only when"):
        api.check([Numbered(1, claim, tuple(where))], latex=True)


@pytest.mark.parametrize("claim, where", [
    # dL/dz a with z an m-vector and a an n-vector multiplies only when n = 1 (the transpose is
    # missing); a text that names n does not mean n = 1
    (r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial z} a",
     [r"z = W a + b", r"L = \sum_i z_i^2", r"W \in \mathbb{R}^{m \times n}",
      r"\text{denominator layout}"]),
    # W^{l+1} delta^{l+1} with W^{l+1} in R^{n^{l+1} x n^l}: only when n^l = n^{l+1}
    (r"\delta^l = (w^{l+1} \delta^{l+1}) \odot \sigma'(z^l)",
     [r"z^{l} = w^{l} a^{l-1} + b^{l}", r"a^{l} = \sigma(z^{l})", r"\sigma \text{ is a function}",
      r"\delta^{l} = \frac{\partial C}{\partial z^{l}}",
      r"w^{l} \in \mathbb{R}^{n^{l} \times n^{l-1}}"]),
])
def test_a_claim_that_fits_only_degenerate_sizes_is_not_checked_there(claim, where):
    # checked at n = 1 such a claim would hold, though it is false for every other n
    with pytest.raises(InputError, match="agree only when"):
        api.check([Numbered(1, claim, tuple(where))], latex=True)


LAYERS = [r"W^m \in \mathbb{R}^{N^m \times N^{m-1}}", r"z^m = W^m a^{m-1} + b^m"]


@pytest.mark.parametrize("bound, holds", [("N^{m-1}", True), ("N^m", False)])
def test_a_size_per_layer_is_the_width_of_that_layer(bound, holds):
    # d/dW_ij sum_{l <= bound} W_il a_l is a_j when the sum reaches j, else 0 (by hand): W^m has
    # N^{m-1} columns, so a sum to N^m misses some j whenever the layers differ in width
    claim = (rf"\frac{{\partial}}{{\partial W_{{ij}}^m}} \left( \sum_{{l=1}}^{{{bound}}} "
             r"W_{il}^m a_l^{m-1} + b_i^m \right) = a_j^{m-1}")
    v = verdict(claim, LAYERS)
    assert v.status.holds is holds, v.note
    if not holds:
        assert "fails at m = " in v.note


def test_a_declared_family_holds_at_every_layer():
    # W^{l+1} in a claim about layer l is n^{l+1} x n^l: BP2 with the transpose fits and holds
    v = verdict(r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)",
                [r"z^{l} = w^{l} a^{l-1} + b^{l}", r"a^{l} = \sigma(z^{l})",
                 r"\sigma \text{ is a function}", r"\delta^{l} = \frac{\partial C}{\partial z^{l}}",
                 r"w^{l} \in \mathbb{R}^{n^{l} \times n^{l-1}}"])
    assert v.status is Status.NUMERIC, v.note
    assert "w^{2} 4x3" in v.covered or "w^{2} 2x4" in v.covered


DENOMINATOR = [r"\mathbf{x} \in \mathbb{R}^{n}", r"\text{denominator layout}"]


@pytest.mark.parametrize("claim, size, holds", [
    # d(Ax)_i/dx_j = A_ij, laid out with x down the rows: A^T (the matrix cookbook, by hand)
    (r"\nabla_{\mathbf{x}} \mathbf{A} \mathbf{x} = \mathbf{A}^\top", r"m \times n", True),
    (r"\nabla_{\mathbf{x}} \mathbf{A} \mathbf{x} = \mathbf{A}", r"n \times n", False),
    # d(x^T A)_j/dx_i = A_ij: A itself
    (r"\nabla_{\mathbf{x}} \mathbf{x}^\top \mathbf{A} = \mathbf{A}", r"n \times m", True),
])
def test_the_gradient_of_a_vector_in_the_denominator_layout(claim, size, holds):
    v = verdict(claim, DENOMINATOR + [rf"\mathbf{{A}} \in \mathbb{{R}}^{{{size}}}"])
    assert v.status.holds is holds, v.note
    if holds:   # at sizes where A is not square, not only at the degenerate n = 1
        assert "A 2x3" in v.covered


def test_a_function_used_with_two_arities_is_not_evaluated():
    # C(w) on the left, C of the entries z_i on the right: no one stand-in fits both
    claim = (r"\frac{\partial C}{\partial w} = \sum_{i=1}^N "
             r"\frac{\partial C}{\partial z_i} \frac{\partial z_i}{\partial w}")
    run = api.check([Numbered(1, claim)], latex=True)
    verdict = run.results[0].verdict
    assert verdict.status is Status.UNDECIDED and "1 and of 2 arguments" in verdict.note


@pytest.mark.parametrize("right, holds", [("y_k - t_k", True), ("t_k - y_k", False)])
def test_a_sum_over_the_letter_of_the_free_index_runs_over_its_whole_range(right, holds):
    # d/dy_k (1/2) sum_k (t_k - y_k)^2 = y_k - t_k at every k (by hand); the sum's own k once
    # ran over one value only when k took its second value, and the true claim was refuted
    v = verdict(r"\frac{\partial}{\partial y_k} \left[ \frac{1}{2} \sum_k (t_k - y_k)^2 \right] = "
                + right)
    assert v.status.holds is holds, v.note


@pytest.mark.parametrize("right, holds", [("a^L - y", True), ("y - a^L", False)])
def test_the_last_layers_width_is_a_size_per_layer_too(right, holds):
    # y in R^{N^L} has the width of a^L (the glossary of the tutorial); d/da (1/2)|a - y|^2 = a - y
    v = verdict(r"\frac{\partial C}{\partial a^L} = " + right,
                [r"C = \frac{1}{2}\|a^L - y\|^2", r"a^m \in \mathbb{R}^{N^m}",
                 r"y \in \mathbb{R}^{N^L}"])
    assert v.status.holds is holds, v.note


def test_labelled_names_with_their_own_subscripts_stay_apart():
    # h = w^{(2)}_{11} x + w^{(2)}_{21} y: dh/dw^{(2)}_{11} = x (by hand); with the two weights
    # taken for one, it would be x + y
    v = verdict(r"\frac{\partial h}{\partial w^{(2)}_{11}} = x",
                where=[r"h = w^{(2)}_{11} x + w^{(2)}_{21} y"])
    assert v.status.holds


SOFTMAX = [r"a_i = \frac{e^{z_i}}{\sum_k e^{z_k}}"]


@pytest.mark.parametrize("claim, case, holds", [
    # by hand, for the softmax: da_j/dz_i = a_j (delta_ij - a_i)
    (r"\frac{\partial a_j}{\partial z_i} = -a_j a_i", r"j \neq i", True),
    (r"\frac{\partial a_j}{\partial z_i} = -a_j a_i", None, False),      # not on the diagonal
    (r"\frac{\partial a_j}{\partial z_i} = a_j a_i", r"j \neq i", False),
    (r"\frac{\partial a_j}{\partial z_i} = a_i (1 - a_i)", r"i = j", True),
    (r"\frac{\partial a_j}{\partial z_i} = a_i (1 - a_i)", r"i \ne j", False),
    (r"\delta_{kj} = 1", r"k = j", True),                  # Kronecker's delta, by definition
    (r"\delta_{kj} = 0", r"k \neq j", True),
    (r"\delta_{kj} = 0", r"k = j", False),
])
def test_a_case_of_the_indices_limits_the_index_values_checked(claim, case, holds):
    found = verdict(claim, (SOFTMAX if "a_" in claim else []) + ([case] if case else []))
    assert found.status.holds is holds
    if case and holds:
        assert "where" in found.covered


def test_one_letter_defined_as_another_is_a_definition_not_a_case():
    # 'w = h' (a box of square section): 2(w + h) = 4w then holds, by hand; an index case is
    # only between index letters (i = j)
    assert verdict(r"2(w+h) = 4w", ["w = h"]).status.holds
    assert not verdict(r"2(w+h) = 4w", []).status.holds


def test_a_limits_variable_is_its_own_whatever_value_the_name_has():
    # h = 0.1 elsewhere in the text; the limit's h still tends to 0: by hand the limit is 2x
    assert verdict(r"\lim_{h \to 0} \frac{(x+h)^2 - x^2}{h} = 2x", ["h = 0.1"]).status.holds


@pytest.mark.parametrize("right, holds", [("2 x_i y_i + 2 x_i", True), ("2 x_i y_i", False)])
def test_a_derivative_known_at_a_point_is_not_reused_once_the_point_moves(right, holds):
    # u_i = x_i^2 y_i: du_i/dx_i = 2 x_i y_i, and its derivative by y_i is 2 x_i (by hand). The
    # first term's value, kept, must not stand for the inner derivative while y_i moves
    v = verdict(r"\frac{\partial u_i}{\partial x_i} + \frac{\partial}{\partial y_i} \left( "
                r"\frac{\partial u_i}{\partial x_i} \right) = " + right, [r"u_i = x_i^2 y_i"])
    assert v.status.holds is holds, v.note


@pytest.mark.parametrize("right, holds", [("2 x_i w + 2 x_i", True), ("2 x_i w", False)])
def test_a_function_of_the_document_takes_the_values_of_the_names_in_its_formula(right, holds):
    # g(t) = w t^2: d/dx_i g(x_i) = 2 w x_i, and its derivative by w is 2 x_i (by hand); w in g's
    # formula once stayed a letter at the sample, and neither claim could be compared
    v = verdict(r"\frac{\partial g(x_i)}{\partial x_i} + \frac{\partial}{\partial w} \left( "
                r"\frac{\partial g(x_i)}{\partial x_i} \right) = " + right, [r"g(t) = w t^2"])
    assert v.status.holds is holds, v.note


def test_a_claim_true_whatever_its_undefined_vector_is_holds():
    # (x_i - x_j) delta_ij is 0 for every x (by hand: the factors vanish at i != j and i = j in
    # turn); x_i = 0 says what x is, and stays undecided
    v = verdict(r"(x_i - x_j) \delta_{ij} = 0")
    assert v.status.holds and "whatever x is" in v.note
    assert verdict(r"x_i = 0").status is Status.UNDECIDED


@pytest.mark.parametrize("claim", [
    r"(x^\top y)_i = x_i y_i",   # x^T y is a number: only one i, so x and y one entry each
    # a number against the gradient of an entry by the whole matrix w: w 1 x 1, i = j = 1 (this
    # once reached a SymPy recursion at a sample)
    r"e^{\sigma(\log\left(e\right))} = \frac{\partial w_{ij} + \lim_{h \to 0} \frac{z}{h}}"
    r"{\partial w}",
])
def test_a_claim_whose_index_fits_only_a_single_value_is_not_checked_there(claim):
    # at one entry per array (x^T y)_1 = x_1 y_1 holds, though it fails for every longer x
    with pytest.raises(InputError, match="takes a single value"):
        verdict(claim)


@pytest.mark.parametrize("claim, message", [
    (r"\frac{\partial}{\partial x_i} (A x) = A_i", "vector by a scalar entry"),
    (r"\sum_k h_k W_{kd} = u_d", "separate its indices with a comma"),
])
def test_what_stays_ambiguous_is_refused_with_advice(claim, message):
    with pytest.raises(InputError, match=message):
        verdict(claim)


@pytest.mark.parametrize("claim,holds", [
    # y_i = g(x_i) = w x_i^2 (hand computation): dy_i/dw = x_i^2, so y_i + dy_i/dw = (w + 1) x_i^2
    (r"y_i + \frac{\partial y_i}{\partial w} = w x_i^2 + x_i^2", True),
    (r"y_i + \frac{\partial y_i}{\partial w} = w x_i^2", False),
    (r"\frac{\partial y_i}{\partial w} = x_i^2", True),
    (r"\frac{\partial y_i}{\partial w} = 0", False),
])
def test_a_quantity_defined_through_a_function_moves_with_the_names_in_its_formula(claim, holds):
    v = verdict(claim, [r"g(t) = w t^2", r"y_i = g(x_i)"])
    assert v.status.holds is holds, v.note


@pytest.mark.parametrize("claim,where,holds", [
    # d/dx sqrt(x) = 1/(2 sqrt(x)) (SymPy's diff), and the same without the 2
    (r"\frac{\partial w_i}{\partial x_i} = \frac{1}{2\sqrt{x_i}}", (r"w_i = \sqrt{x_i}",), True),
    (r"\frac{\partial w_i}{\partial x_i} = \frac{1}{\sqrt{x_i}}", (r"w_i = \sqrt{x_i}",), False),
    # through a document's function with a logarithm: d/dx (log x + 1/4)^2 = 2 (log x + 1/4)/x
    (r"\frac{\partial w_i}{\partial x_i} = \frac{2(\log(x_i) + 1/4)}{x_i}",
     (r"g(t) = \log(t) + \frac{1}{4}", r"w_i = g(x_i)^2"), True),
    (r"\frac{\partial w_i}{\partial x_i} = \frac{\log(x_i) + 1/4}{x_i}",
     (r"g(t) = \log(t) + \frac{1}{4}", r"w_i = g(x_i)^2"), False),
])
def test_points_where_a_root_or_a_log_is_not_real_are_drawn_again(claim, where, holds):
    """At a random point about half the x_i are negative, where these sides are not real: such
    a point is no evidence, and points of positive values are drawn in its place (once the
    claim was undecided, "could not compare the values")."""
    v = verdict(claim, where)
    assert v.status is (Status.NUMERIC if holds else Status.REFUTED), v.note


def test_a_claim_real_on_one_side_only_holds_at_most_where_both_are():
    """log(x^2) = 2 log(x) holds for x > 0; for x < 0 only the left side is real."""
    v = verdict(r"w_i = 2\log(x_i)", (r"w_i = \log(x_i^2)",))
    assert v.status is Status.NUMERIC and v.one_side_real is not None
    assert any(value < 0 for value in v.one_side_real.values())


NIELSEN = [NETWORK[0].replace("W", "w"), *NETWORK[1:]]   # the weights in lowercase


@pytest.mark.parametrize("claim", [
    # BP2 without the transpose, and BP4 transposed the wrong way: false for any layer of two
    # units or more (by hand: the shapes of W^T delta and W delta, of delta a^T and a delta^T)
    r"\delta^l = (w^{l+1} \delta^{l+1}) \odot \sigma'(z^l)",
    r"\frac{\partial C}{\partial w^l} = a^{l-1} (\delta^l)^T",
])
def test_a_lowercase_weight_is_not_made_a_vector_that_sizes_every_layer_one(claim):
    """Nielsen's w^l is a matrix. Read as a vector by its lowercase letter, w a fits only when
    a has one entry, every layer had one unit and these false claims were NUMERIC: now refused
    with the way to declare it; declared, the claim is checked at real sizes."""
    with pytest.raises(InputError, match="written in lowercase"):
        api.check([Numbered(1, claim, tuple(NIELSEN))], latex=True)
    declared = NIELSEN + [r"w^{l} \in \mathbb{R}^{n^{l} \times n^{l-1}}"]
    with pytest.raises(InputError, match="agree only when"):
        api.check([Numbered(1, claim, tuple(declared))], latex=True)
    right = verdict(r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)", declared)
    assert right.status is Status.NUMERIC and "x" in right.covered


def test_a_claim_whose_arrays_could_only_have_one_entry_is_no_evidence():
    """With Theta a number (an uppercase Greek letter is no matrix), dC/dTheta is a number and a
    delta^T fits it only at one entry each: the false BP4 was NUMERIC there."""
    where = [NETWORK[0].replace("W", "\\Theta"), *NETWORK[1:]]
    v = verdict(r"\frac{\partial C}{\partial \Theta^l} = a^{l-1} (\delta^l)^T", where)
    assert v.status is Status.UNDECIDED and "one entry" in v.note


RELU = [NETWORK[0], NETWORK[1], r"\sigma(z) = \max(0, z)", NETWORK[2],
        r"C = \frac{1}{2}\|a^L - y\|^2"]


@pytest.mark.parametrize("right,wrong", [
    # BP1 with sigma' = H (the step) and without it; by hand at z = -1, y = 1: a = 0, and
    # delta = (a - y) H(z) = 0 while a - y = -1
    (r"\delta^L = (a^L - y) \odot \sigma'(z^L)", r"\delta^L = a^L - y"),
    (r"\delta^L_j = (a^L_j - y_j) \operatorname{Heaviside}(z^L_j)", r"\delta^L_j = a^L_j - y_j"),
    # BP3 at the last layer: dC/db = delta, the same 0 at z = -1
    (r"\frac{\partial C}{\partial b^L_j} = (a^L_j - y_j) \operatorname{Heaviside}(z^L_j)",
     r"\frac{\partial C}{\partial b^L_j} = a^L_j - y_j"),
    # delta = dC/da da/dz, and da/dz = H(z): 0, not 1, at z = -1
    (r"\delta^l_j = \frac{\partial C}{\partial a^l_j} \operatorname{Heaviside}(z^l_j)",
     r"\delta^l_j = \frac{\partial C}{\partial a^l_j}"),
    (r"\frac{\partial a^l_j}{\partial z^l_j} = \operatorname{Heaviside}(z^l_j)",
     r"\frac{\partial a^l_j}{\partial z^l_j} = 1"),
    # ReLU is the identity only for z > 0: max(0, -1) = 0
    (r"a^l_j = \max(0, z^l_j)", r"a^l_j = z^l_j"),
])
def test_a_relu_network_is_checked_on_both_sides_of_its_kinks(right, wrong):
    """With ReLU, each claim that leaves out ReLU' = H(z) holds wherever every z is positive,
    and the one point drawn for each instance once made every z these claims read positive: the
    wrong claims were NUMERIC. Points are drawn until each argument of a kink has been on both
    sides of it, and the right claims hold on both."""
    assert verdict(right, RELU).status is Status.NUMERIC
    assert verdict(wrong, RELU).status is Status.REFUTED


def _numpy_value(point: dict, name: str):
    """The value a counterexample's point gives the name: a number, or an array of its entries
    (named x[2] or W[1,2])."""
    if name in point:
        return float(point[name])
    entries = {tuple(int(i) - 1 for i in key[len(name) + 1:-1].split(",")): float(value)
               for key, value in point.items() if key.startswith(name + "[")}
    shape = tuple(max(at[k] for at in entries) + 1 for k in range(len(next(iter(entries)))))
    array = np.zeros(shape)
    for at, value in entries.items():
        array[at] = value
    return array


def test_a_relu_counterexample_is_one_by_an_independent_numpy_evaluation():
    """The point that refutes delta^L = a^L - y, fed forward in NumPy: some z^L there is
    negative, and at that entry dC/dz^L (a central difference of C in floating point) is the
    left side the counterexample gives and a^L - y its right side, which differ."""
    v = verdict(r"\delta^L = a^L - y", RELU)
    assert v.status is Status.REFUTED
    point = v.counterexample.point

    def affine(layer, a):
        weight = _numpy_value(point, f"W^{{{layer}}}")
        return (weight @ a if np.ndim(weight) == 2 else weight * a) + _numpy_value(
            point, f"b^{{{layer}}}")

    def cost(z2):
        return 0.5 * np.sum((np.maximum(0, z2) - y) ** 2)

    y = _numpy_value(point, "y")
    z2 = affine(2, np.maximum(0, affine(1, _numpy_value(point, "a^{0}"))))
    h = 1e-6
    delta = np.array([(cost(z2 + h * e) - cost(z2 - h * e)) / (2 * h) for e in np.eye(len(z2))])
    rhs = np.maximum(0, z2) - y
    failing = [j for j in range(len(z2)) if abs(delta[j] - float(v.counterexample.lhs)) < 1e-6
               and abs(rhs[j] - float(v.counterexample.rhs)) < 1e-6]
    assert failing and all(z2[j] < 0 and abs(delta[j] - rhs[j]) > 1e-3 for j in failing)


@pytest.mark.parametrize("claim,z", [
    (r"\delta^L = (a^L - y) \odot \sigma'(z^L)", "z^{2}"),                          # BP1
    (r"\delta^l = ((W^{l+1})^\top \delta^{l+1}) \odot \sigma'(z^l)", "z^{1}"),     # BP2
])
def test_the_points_a_true_relu_claim_holds_at_put_every_z_on_both_sides_of_the_kink(
        claim, z, monkeypatch):
    """BP1 and BP2, with sigma' the derivative of max(0, z) (H(z)), hold at points where each
    entry of the z they apply sigma' to is negative at one and positive at another: evidence for
    both of ReLU's formulas (once every such z was positive at the one point drawn)."""
    from derive.engine import instances
    from derive.text import parse_assumptions
    envs = []

    def spy(env, *args):
        envs.append(env)
        return at_sample(env, *args)
    at_sample = instances._at_sample
    monkeypatch.setattr(instances, "_at_sample", spy)
    (link,) = api._planned(claim, parse_assumptions([]), True, (), tuple(RELU))
    for instance in link.plan.instances:
        envs.clear()
        assert instances._sampled(instance, link.plan.assumptions, 1).status is Status.NUMERIC
        values = [env.name_value(z) for env in envs]
        for j in range(instance.shapes[z][0]):
            assert any(v[j] < 0 for v in values) and any(v[j] > 0 for v in values)


def test_a_point_at_a_kink_is_no_evidence(monkeypatch):
    """d max(0, x)/dx at x = 0 does not exist; the central difference there is the mean of the
    two slopes, 1/2. Where every point drawn is at the kink, the claim that it is 1/2 is
    undecided (once NUMERIC)."""
    from derive.engine import environment, instances
    x, s = sp.Symbol("x", real=True), sp.Symbol("s", real=True)
    instance = instances.Instance(labels={}, lhs=A.Partial(s, x), rhs=sp.Rational(1, 2),
                                  definitions=((s, sp.Max(0, x)),), functions={}, shapes={},
                                  index_values=({},), sizes_of={})
    monkeypatch.setattr(environment, "_sample_value", lambda symbol, sample, assumptions: 0)
    v = instances._sampled(instance, None)
    assert v.status is Status.UNDECIDED and "at a kink" in v.note


@pytest.mark.parametrize("claim, holds", [
    # by hand: d/dx_i of prod_j x_j is the product of the others, which is prod_j x_j / x_i
    (r"\frac{\partial}{\partial x_i} \prod_j x_j = \prod_{j \neq i} x_j", True),
    (r"\prod_{j \neq i} x_j = \frac{\prod_j x_j}{x_i}", True),
    (r"\sum_{j \neq i} x_j = \sum_j x_j - x_i", True),
    (r"\prod_{j \neq i} x_j = \prod_j x_j", False),
    (r"\frac{\partial}{\partial x_i} \prod_j x_j = \prod_j x_j", False),
])
def test_a_product_over_the_other_indices_leaves_out_one_factor(claim, holds):
    """prod_{j != i} x_j was read as prod_j (1 - delta_ij) x_j, which is 0 (its factor j = i is
    0): the true derivative of a product was REFUTED and prod_{j != i} x_j = 0 was NUMERIC. The
    factor left out is 1 in a product, as the term left out is 0 in a sum."""
    (result,) = api.check([Numbered(1, claim)], latex=True, timeout=20).results
    assert result.verdict.status.holds is holds, result.verdict


@pytest.mark.parametrize("claim, holds", [
    # by hand: the gradient of g(a^T x) is g'(a^T x) a
    (r"\nabla_x e^{a^T x} = e^{a^T x} a", True),
    (r"\nabla_x e^{a^T x} = e^{a^T x} x", False),
    (r"\nabla_x \sin(a^T x) = \cos(a^T x) a", True),
    (r"\nabla_x \sin(a^T x) = -\cos(a^T x) a", False),
    (r"\nabla_x (a^T x)^2 = 2 a a^T x", True),
    (r"\nabla_x (a^T x)^2 = 2 x x^T a", False),
    # (a^T x) a: the 1 x 1 product is a number before the vector (it was UNDECIDED as a
    # product of a 1 x 1 and a 2 x 1 matrix)
    (r"\nabla_x (a^T x)^2 = 2 (a^T x) a", True),
    (r"\nabla_x (a^T x)^2 = (a^T x) a", False),
    (r"\nabla_x \tanh(a^\top x) = (1 - \tanh^2(a^\top x)) a", True),
    (r"\nabla_x \tanh(a^\top x) = (1 - \tanh^2(a^\top x)) x", False),
])
def test_a_function_or_power_of_a_one_by_one_product_is_of_a_number(claim, holds):
    """a^T x is 1 x 1: a number, so e^{a^T x}, (a^T x)^2 and tanh^2(a^T x) have a value. They
    were refused as the exp or the power of a vector."""
    (result,) = api.check([Numbered(1, claim)], latex=True, timeout=20).results
    assert result.verdict.status.holds is holds, result.verdict


@pytest.mark.parametrize("claim", [r"\nabla_x x^2 = 2x", r"\nabla_x e^{x} = e^{x}",
                                   r"\nabla_x (x a^T)^2 = a"])
def test_a_function_or_power_of_a_vector_stays_refused(claim):
    with pytest.raises(InputError):
        api.check([Numbered(1, claim)], latex=True, timeout=20)


@pytest.mark.parametrize("claim, holds", [
    (r"\sum_{i=1}^{n} \sum_{j=1}^{i} \frac{1}{j} = (n+1)\sum_{k=1}^{n} \frac{1}{k} - n", True),
    (r"\sum_{i=1}^{n}\sum_{j=1}^{i} j = \frac{n(n+1)(n+2)}{3}", False),
])
def test_an_inner_sum_may_run_to_the_outer_index(claim, holds):
    """SymPy lists a sum's limits innermost first; the outer one was run inside, so sum_{j <= i}
    was taken at one fixed i and the first (true) identity was REFUTED."""
    from fractions import Fraction
    for n in range(1, 8):   # the identities by exact arithmetic
        harmonic = [sum(Fraction(1, j) for j in range(1, i + 1)) for i in range(1, n + 1)]
        assert sum(harmonic) == (n + 1) * harmonic[-1] - n
        assert (sum(j for i in range(1, n + 1) for j in range(1, i + 1))
                == Fraction(n * (n + 1) * (n + 2), 3)) is (n == 0)
    (result,) = api.check([Numbered(1, claim)], latex=True, timeout=20).results
    assert result.verdict.status.holds is holds, result.verdict


@pytest.mark.parametrize("claim, holds", [
    # q = x^T B x: dq/dx_k = (B x)_k + (x^T B)_k (by hand); 2 (B x)_k only for a symmetric B
    (r"\frac{\partial q}{\partial x_k} = B_{kj} x_j + x_i B_{ik}", True),
    (r"\frac{\partial q}{\partial x_k} = 2 B_{kj} x_j", False),
])
def test_the_summation_convention_holds_in_the_definitions_too(claim, holds):
    """q = x_i B_ij x_j with the convention declared is a double sum; it was read without one,
    so the true gradient was REFUTED."""
    where = [r"q = x_i B_{ij} x_j", r"\text{Einstein summation}"]
    (result,) = api.check([Numbered(1, claim)], latex=True, timeout=20, where=where).results
    assert result.verdict.status.holds is holds, result.verdict
    if not holds:
        assert result.verdict.status is Status.REFUTED


BACKPROP_DEFINITIONS = [r"z^{l} = W^{l} a^{l-1} + b^{l}", r"a^{l} = \sigma(z^{l})",
                        r"\delta^{l} = \frac{\partial C}{\partial z^{l}}",
                        r"C = \frac{1}{2}\|y - a^L\|^2"]


def _gradient_by_hand():
    # dC/da = W^T delta with C = |W a - y|^2 / 2 (identity activation, b = 0): with
    # W = [[1, 2], [0, 1]], a = (1, 1), y = 0, delta = W a = (3, 1), so W^T delta = (3, 7) while
    # W delta = (5, 1) (finite differences agree with the first)
    W, a = sp.Matrix([[1, 2], [0, 1]]), sp.Matrix([1, 1])
    a1, a2 = sp.symbols("a1 a2")
    C = ((W * sp.Matrix([a1, a2])).dot(W * sp.Matrix([a1, a2]))) / 2
    grad = sp.Matrix([sp.diff(C, v) for v in (a1, a2)]).subs({a1: 1, a2: 1})
    return grad, W.T * (W * a), W * (W * a)


@pytest.mark.parametrize("claim, where", [
    # W left a number where the vectors have two and three entries: a missing transpose holds
    (r"\frac{\partial C}{\partial a^{l-1}} = W^l \delta^l", BACKPROP_DEFINITIONS),
    # fits only with w one entry (X a column): y^T X is a row where 2 X^T X w is a column
    (r"\nabla_w \|X w - y\|^2 = 2 X^\top X w - 2 y^\top X", ()),
    (r"\nabla_w \frac{1}{2}\|X w - y\|^2 = X^\top X w - y^\top X", ()),
    # grad x^T A x = (A + A^T) x: with A = [[1, 2], [0, 1]], x = (1, 1) it is (4, 4), and 2Ax
    # is (6, 2) (by hand); M is also a count's letter, Theta a Greek capital; C x = x C puts
    # a matrix right of a column
    (r"\nabla_x (x^T M x) = 2 M x", ()), (r"\nabla_x (x^T \Theta x) = 2 \Theta x", ()),
    (r"C \mathbf{x} = \mathbf{x} C", ()),
])
def test_a_claim_that_fits_only_with_a_matrix_as_one_number_does_not_hold(claim, where):
    grad, transposed, as_written = _gradient_by_hand()
    assert grad == transposed != as_written
    v = verdict(claim, where)
    assert not v.status.holds, v


@pytest.mark.parametrize("claim, where", [
    (r"\frac{\partial C}{\partial a^{l-1}} = (W^l)^T \delta^l", BACKPROP_DEFINITIONS),
    (r"\nabla_w \|X w - y\|^2 = 2 X^\top X w - 2 X^\top y", ()),   # (the normal equations)
])
def test_the_same_claims_written_right_hold_at_sizes_where_the_matrix_is_not_square(claim,
                                                                                      where):
    v = verdict(claim, where)
    assert v.status.holds, v
    assert re.search(r"(W\^\{\d\}|X) (\d)x(?!\2)\d", v.covered), v.covered
