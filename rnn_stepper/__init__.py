"""RNN Stepper: the forward pass of torch.nn.RNN, one phase per click, checked against PyTorch."""

__version__ = "0.1.0"
