"""Each private PyTorch API the program leans on (rnn_stepper/core/torch_private.py) still does what it is used
for. After a torch upgrade, a failure here names the one wrapper to mend."""

import torch

from rnn_stepper.core.torch_private import TorchDispatchMode, log_softmax_backward, set_mkldnn_enabled, tree_flatten


def test_set_mkldnn_enabled_flips_only_onednns_switch_and_says_how_it_was():
    before = torch.backends.mkldnn.enabled
    try:
        assert set_mkldnn_enabled(False) is before
        assert torch.backends.mkldnn.enabled is False
        assert set_mkldnn_enabled(True) is False
        assert torch.backends.mkldnn.enabled is True
    finally:
        set_mkldnn_enabled(before)
    assert torch.backends.mkldnn.enabled is before


def test_a_dispatch_mode_sees_each_aten_call():
    class Seen(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.names = []

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.names.append(func.overloadpacket.__name__)
            return func(*args, **(kwargs or {}))

    a, b = torch.ones(3), torch.full((3,), 2.0)
    with Seen() as seen:
        total = torch.tanh(a + b)
    assert seen.names == ["add", "tanh"]
    assert torch.equal(total, torch.tanh(torch.full((3,), 3.0)))


def test_tree_flatten_finds_the_tensors_in_nested_arguments():
    x, y = torch.zeros(1), torch.ones(2)
    leaves, _ = tree_flatten(((x, [1, y]), {"alpha": 2}))
    assert [leaf is x for leaf in leaves].count(True) == 1 and any(leaf is y for leaf in leaves)
    assert len(leaves) == 4  # x, 1, y, 2


def test_log_softmax_backward_is_the_call_autograd_makes():
    generator = torch.Generator().manual_seed(0)
    for dtype in (torch.float32, torch.float64):
        logits = torch.randn(4, 5, generator=generator, dtype=dtype, requires_grad=True)
        upstream = torch.randn(4, 5, generator=generator, dtype=dtype)
        log_probs = torch.log_softmax(logits, 1)
        log_probs.backward(upstream)
        assert torch.equal(log_softmax_backward(upstream, log_probs.detach(), 1, dtype), logits.grad)
