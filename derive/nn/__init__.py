"""Neural-network mathematics: activations and costs (registries), backprop derivations, the
explicit-network proof."""
