"""`derive backprop`: the headline command end to end (goal < 2 s with start-up and the 2,2,1
proof), and how the explicit-network proof grows with the network (goal: 3,4,4,2 under 30 s).
Run by hand: `make bench`."""

from __future__ import annotations

import sys
import time

from common import DERIVE, ROOT, median_run, row

sys.path.insert(0, str(ROOT))


def main() -> None:
    print(row("command", "median s", "peak RSS MB"))
    print(row("---", "---", "---"))
    for argv in (["--activation", "sigmoid"], ["--activation", "tanh", "--cost", "squared-error"],
                 ["--activation", "relu", "--output-activation", "sigmoid"],
                 ["--activation", "log(1 + exp(z))"]):
        t, mem, code = median_run(DERIVE + ["backprop", *argv], 5)
        assert code == 0, argv
        print(row(f"`derive backprop {' '.join(argv)}`", f"{t:.2f}", f"{mem:.0f}"))

    from derive.nn.activations import activation
    from derive.nn.costs import cost
    from derive.nn.layered import prove_by_layers
    from derive.nn.network import _prove_network
    sigmoid, ce = activation("sigmoid"), cost("cross-entropy")
    print()
    print("The explicit-network proof (sigmoid, cross-entropy), CPU seconds, one run: the whole "
          "cost differentiated by every parameter, against the layer lemmas (`nn.layered`)")
    print()
    print(row("layers", "weights + biases", "direct s", "by layers s", "direct / by layers",
              "proved"))
    print(row(*["---"] * 6))
    for layers in ((2, 2, 1), (2, 3, 2), (2, 3, 3, 1), (3, 4, 4, 2), (4, 6, 6, 3), (8, 8, 8, 4)):
        direct = None
        if sum(a * b + b for a, b in zip(layers[:-1], layers[1:])) <= 100:   # 8,8,8,4: minutes
            start = time.process_time()
            _prove_network(layers, sigmoid, sigmoid, ce)
            direct = time.process_time() - start
        start = time.process_time()
        proof = prove_by_layers(layers, sigmoid, sigmoid, ce)
        layered = time.process_time() - start
        print(row(",".join(map(str, layers)), proof.total,
                  "" if direct is None else f"{direct:.2f}", f"{layered:.2f}",
                  "" if direct is None else f"{direct / layered:.1f}",
                  f"{proof.proved} of {proof.total}"))

if __name__ == "__main__":
    main()
