"""The layer-by-layer proof of an explicit network: the same answer as differentiating the whole
cost, at a fraction of the cost, and it fails where a formula is wrong."""

from dataclasses import replace

import sympy as sp

from derive.engine.verdict import Status
from derive.nn.activations import activation, z
from derive.nn.costs import cost
from derive.nn.layered import hidden_lemma, numeric_gap, prove_by_layers, weight_lemma
from derive.nn.network import _prove_network, parameters, prove_network


def test_it_agrees_with_the_direct_proof():
    s, ce = activation("sigmoid"), cost("cross-entropy")
    layered = prove_by_layers((2, 3, 2), s, s, ce)
    direct = _prove_network((2, 3, 2), s, s, ce)
    assert layered.holds and direct.holds and layered.by_layers and not direct.by_layers
    assert [e.parameter for e in layered.entries] == [e.parameter for e in direct.entries]
    assert layered.numeric_error < 1e-20      # central differences in 40 digits


def test_a_wide_network_is_proved_by_layers():
    layers = (3, 4, 4, 2)
    proof = prove_network(layers, activation("tanh"), activation("sigmoid"), cost("squared-error"))
    assert proof.by_layers and proof.holds and proof.total == parameters(layers) == 46


def test_a_wrong_cost_gradient_or_slope_is_caught():
    s, ce = activation("sigmoid"), cost("cross-entropy")
    wrong_cost = replace(ce, gradient=-ce.gradient)
    assert not prove_by_layers((2, 3, 1), s, s, wrong_cost).holds
    wrong_slope = replace(activation("tanh"), derivative=1 - sp.tanh(z))   # not 1 - tanh^2
    assert numeric_gap((2, 3, 2), wrong_slope, s, ce, seed=1) > 1e-3


def test_the_lemmas_hold_for_an_unknown_rest_of_the_network():
    assert hidden_lemma(2, 3) is Status.PROVED and weight_lemma(2, 3) is Status.PROVED
