"""The shape of an `nn.RNN`, `nn.GRU` or `nn.LSTM`: every constructor option, checked, and what it costs in memory.

No torch here: the window shows a config before torch has loaded (torch is imported only where a tensor is
made), so the first frame does not wait seconds for it.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace

from .cells import CELL_TYPES, CellType, cell_type, every_option
from .errors import InputError

# bytes per element. Half precision is stepped in its own dtype: PyTorch's CPU kernel runs nn.RNN, nn.GRU and nn.LSTM
# in float16 and bfloat16 (upcasting inside each op as its kernels do), and the hand pass makes the same calls.
DTYPES = {"float32": 4, "float64": 8, "float16": 2, "bfloat16": 2}


def dtype_name(dtype) -> str | None:
    """The name of a torch dtype the stepper shows (torch.bfloat16: "bfloat16"), None for any other."""
    name = str(dtype).removeprefix("torch.")
    return name if name in DTYPES else None


# What torch.manual_seed takes: a 64-bit seed, signed or not (a negative seed is taken modulo 2**64).
SEED_MIN, SEED_MAX = -(1 << 63), (1 << 64) - 1


@dataclass(frozen=True)
class RNNConfig:
    """A recurrent module's constructor arguments, its cell type, and the dtype its parameters live in.

    The defaults are the notebook's `nn.RNN(input_size=5, hidden_size=2, num_layers=1, batch_first=True)`.
    `cell` is "rnn", "gru" or "lstm" (core/cells); `nonlinearity` is nn.RNN's and `proj_size` nn.LSTM's.
    `dropout` is accepted because torch.nn accepts it, but it only acts in training mode; the stepper always
    evaluates in eval mode, so it never changes a number here.
    """

    input_size: int = 5
    hidden_size: int = 2
    num_layers: int = 1
    nonlinearity: str = "tanh"
    bias: bool = True
    batch_first: bool = True
    bidirectional: bool = False
    dropout: float = 0.0
    dtype: str = "float32"
    cell: str = "rnn"
    proj_size: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.cell, str) or self.cell not in CELL_TYPES:
            raise InputError(f"cell must be one of {', '.join(map(repr, CELL_TYPES))}, got {self.cell!r}")
        for name in ("input_size", "hidden_size", "num_layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{name} must be a whole number, got {value!r}")
            if value < 1:
                raise InputError(f"{name} must be at least 1, got {value}")
        for name in ("bias", "batch_first", "bidirectional"):  # "false" is a true string: refused, not guessed
            if not isinstance(getattr(self, name), bool):
                raise InputError(f"{name} must be true or false, got {getattr(self, name)!r}")
        if isinstance(self.dropout, bool) or not isinstance(self.dropout, (int, float)):
            raise InputError(f"dropout must be a number between 0 and 1, got {self.dropout!r}")
        if self.dtype not in DTYPES:
            raise InputError(f"dtype must be one of {', '.join(map(repr, DTYPES))}, got {self.dtype!r}")
        if not 0 <= self.dropout <= 1:  # compared as given: float() of a 400-digit int overflows
            raise InputError(f"dropout must be between 0 and 1, got {self.dropout!r}")
        options = every_option()
        for name, option in options.items():
            if (problem := option.problem(getattr(self, name))) is not None:
                raise InputError(problem)
        for name, option in options.items():  # options of some cell types only, as torch.nn has them
            if name not in self.cell_type.option_names and getattr(self, name) != option.default:
                raise InputError(f"{name} is not an option of {self.cell_type.label}")
        for name, option in options.items():
            if (problem := option.problem(getattr(self, name), self)) is not None:
                raise InputError(problem)

    @property
    def cell_type(self) -> CellType:
        return cell_type(self.cell)

    @property
    def phases(self) -> tuple[str, ...]:
        """The names of one step's phases, in the order a click reveals them; the last is always "hidden"."""
        return self.cell_type.phase_names(self)

    @property
    def output_size(self) -> int:
        """The size of h: hidden_size, or proj_size for an LSTM with a projection."""
        return self.proj_size or self.hidden_size

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def torch_dtype(self):
        import torch

        return getattr(torch, self.dtype)

    def layer_input_size(self, layer: int) -> int:
        """Layer 0 reads x; every later layer reads the [forward | reverse] outputs of the layer below."""
        return self.input_size if layer == 0 else self.output_size * self.num_directions

    def cells(self) -> list[tuple[int, int]]:
        """(layer, direction) in `h_n`'s order: index = layer * num_directions + direction."""
        return [(layer, d) for layer in range(self.num_layers) for d in range(self.num_directions)]

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """The module's `state_dict()` keys and shapes for this config, in its order."""
        return self.cell_type.parameter_shapes(self)

    def describe(self) -> str:
        """The module as `print(nn.RNN(...))` shows it, e.g. `RNN(5, 2, batch_first=True)`."""
        parts = [str(self.input_size), str(self.hidden_size)]
        if self.proj_size:
            parts.append(f"proj_size={self.proj_size}")
        if self.num_layers != 1:
            parts.append(f"num_layers={self.num_layers}")
        if self.nonlinearity != "tanh":
            parts.append(f"nonlinearity={self.nonlinearity}")
        if not self.bias:
            parts.append("bias=False")
        if self.batch_first:
            parts.append("batch_first=True")
        if self.dropout:
            parts.append(f"dropout={self.dropout}")
        if self.bidirectional:
            parts.append("bidirectional=True")
        return f"{self.cell_type.module_name}({', '.join(parts)})"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RNNConfig":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise InputError(f"config has unknown field(s) {', '.join(unknown)}")
        return cls(**known)

    def replace(self, **changes) -> "RNNConfig":
        return replace(self, **changes)


def cell_suffix(layer: int, direction: int) -> str:
    """`nn.RNN`'s parameter name suffix: `_l0`, `_l0_reverse`, `_l1`, …"""
    return f"_l{layer}" + ("_reverse" if direction else "")


# What nn.RNN's CPU kernel holds per timestep besides the numbers: a view of the input projection and a fresh
# output tensor, each a TensorImpl with its storage and allocation, until it stacks them at the end of a layer.
# About 1 KiB a step (benchmarks/memory.py measures it: at hidden_size 2 it is nearly all a trace costs).
PER_STEP_BYTES = 1024


def estimated_bytes(config: RNNConfig, seq_len: int, batch: int) -> int:
    """What a trace of this size holds at its peak: parameters twice (the manual pass and the torch module); for
    every cell its input, its phases, its previous states and the reference hidden state, each (T, B, ·); the
    output twice; and the kernel's per-step tensors of one cell before it stacks them (it runs one cell at a
    time). Writing the trace out (text, JSON, CSV) streams a block of steps at a time and adds no more than that."""
    # In closed form, not by walking the cells: a session file can say num_layers = 10**300.
    item = DTYPES[config.dtype]
    G, H, P = config.cell_type.gates, config.hidden_size, config.output_size
    D, L = config.num_directions, config.num_layers
    per_gate_row = (2 * G * H if config.bias else 0) + (P * H if config.proj_size else 0)
    params = D * (G * H * (config.input_size + P) + per_gate_row) + (L - 1) * D * (G * H * (D * P + P) + per_gate_row)
    # each phase, a previous value of each state, and the reference hidden state, in units of H
    widths = sum(phase.width for phase in config.cell_type.phases(config)) + len(config.cell_type.state) + 1
    per_cell = D * seq_len * batch * ((config.input_size + widths * H) + (L - 1) * (D * P + widths * H))
    output = seq_len * batch * P * D
    kernel_steps = seq_len * (PER_STEP_BYTES + item * batch * P)
    return item * (2 * params + per_cell + 2 * output) + kernel_steps


def memory_budget() -> int:
    """Half of the memory available right now: the rest is for Python, Qt and torch themselves."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024 // 2
    except OSError:
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    except (ValueError, OSError, AttributeError):
        return 4 << 30


# What a timestep costs, measured on 2 cores of an AMD EPYC (2026) with torch 2.13: an estimate to refuse by, not a
# promise (`make bench` prints it against measured jobs). Per timestep of one cell, the hand pass pays Python's and
# ATen's dispatch for each phase, the module's C++ loop a little; each reads W_hh once (a matrix-vector product is
# bound by memory, not arithmetic) and does the arithmetic of both products. A fused kernel (oneDNN's LSTM) runs a
# third pass, and builds its kernels on first use. Building the module costs time quadratic in its parameter count:
# torch.nn's RNNBase.__setattr__ rescans every parameter name each time one is set (2,000 layers: 0.9 s).
PHASE_OVERHEAD_S = 4e-6  # the hand pass, per phase (and two for storing) per timestep
MODULE_OVERHEAD_S = 5e-6  # the module's own pass per timestep
MEMORY_BANDWIDTH = 20e9  # bytes a second
ARITHMETIC = 50e9  # floating-point operations a second, overlapping the reads
FUSED_SETUP_S = 2.0  # oneDNN building its LSTM kernel the first time
SETATTR_S = 1.4e-8  # per (parameter count)², per module built
TIME_LIMIT_S = 600  # longer than a lecturer or a student would wait for one trace
BUILD_LIMIT_S = 1.0  # building the module is one call Cancel cannot interrupt: it must end within a second


def estimated_seconds(config: RNNConfig, seq_len: int, batch: int) -> float:
    """About how long computing a trace of this size takes: the hand pass and the module's over every timestep of
    every cell (and the fused kernel's, where torch runs one), and building the module twice (its seeded weights,
    then the reference). In closed form, like estimated_bytes."""
    item = DTYPES[config.dtype]
    kind = config.cell_type
    G, H, P = kind.gates, config.hidden_size, config.output_size
    cells = config.num_layers * config.num_directions
    widths = config.input_size + (config.num_layers - 1) * config.num_directions * P  # summed over layers
    product = G * H * P * item / MEMORY_BANDWIDTH + 2 * batch * G * H * (P + widths / config.num_layers) / ARITHMETIC
    hand = PHASE_OVERHEAD_S * (len(kind.phases(config)) + 2) + product
    module = MODULE_OVERHEAD_S + product
    fused = kind.may_fuse(config)
    steps = cells * seq_len * (hand + module * (2 if fused else 1))
    return steps + (FUSED_SETUP_S if fused else 0.0) + 2 * build_seconds(config)


def build_seconds(config: RNNConfig) -> float:
    """About how long torch.nn takes to construct this module (see SETATTR_S)."""
    per_cell = 4 if config.bias else 2
    return SETATTR_S * (config.num_layers * config.num_directions * (per_cell + bool(config.proj_size))) ** 2


def check_fits(config: RNNConfig, seq_len: int, batch: int) -> None:
    """Refuse a model or sequence too big for this machine, or too slow to wait for, before anything that size is
    allocated or computed."""
    shape = f"hidden_size={config.hidden_size}, num_layers={config.num_layers}, T={seq_len}, batch={batch}"
    need = estimated_bytes(config, seq_len, batch)
    budget = memory_budget()
    if need > budget:
        raise InputError(f"this trace would need about {format_bytes(need)} but only {format_bytes(budget)} can be "
                         f"used ({shape}); use a smaller model or a shorter sequence")
    build = build_seconds(config)
    if build > BUILD_LIMIT_S:
        raise InputError(f"torch.nn would take about {format_seconds(build)} to build {config.num_layers} layers, in "
                         "one call that Cancel cannot stop; use at most "
                         f"{max_layers(config):,} layers")
    seconds = estimated_seconds(config, seq_len, batch)
    if seconds > TIME_LIMIT_S:
        raise InputError(f"this trace would take about {format_seconds(seconds)} to compute, more than "
                         f"{TIME_LIMIT_S // 60} minutes ({shape}); use a smaller model or a shorter sequence")


def max_layers(config: RNNConfig) -> int:
    """The most layers of this config whose module builds within BUILD_LIMIT_S."""
    per_layer = build_seconds(config.replace(num_layers=1)) ** 0.5
    return int(BUILD_LIMIT_S ** 0.5 / per_layer)


def format_seconds(seconds: float) -> str:
    if seconds >= 3600 * 24 * 365:
        return "more than a year"
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} seconds"


def format_bytes(n: int) -> str:
    if n >= 1024**6:  # an estimate from absurd sizes (a session file can say hidden_size = 10**300)
        return "more than 1,024 PiB"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def infer_config(weights: dict, **fixed) -> RNNConfig:
    """The config a state dict was saved from, read off its tensor shapes: the cell type by how many blocks of
    rows W_hh stacks (1 for nn.RNN, 3 for nn.GRU, 4 for nn.LSTM) and by `weight_hr` (an LSTM's projection).
    `fixed` fields (nonlinearity, batch_first, dtype, …) are not in the shapes and are taken as given where the
    cell type has them."""
    if "weight_ih_l0" not in weights or "weight_hh_l0" not in weights:
        raise InputError("no recurrent layer's parameters found (need weight_ih_l0 and weight_hh_l0)")
    w_ih, w_hh = weights["weight_ih_l0"], weights["weight_hh_l0"]
    if len(w_ih.shape) != 2 or len(w_hh.shape) != 2:
        raise InputError("weight_ih_l0 and weight_hh_l0 must be matrices")
    w_hr = weights.get("weight_hr_l0")
    if w_hr is not None and len(w_hr.shape) != 2:
        raise InputError("weight_hr_l0 must be a matrix")
    proj_size, hidden_size = (int(w_hr.shape[0]), int(w_hr.shape[1])) if w_hr is not None else (0, int(w_hh.shape[1]))
    kind = cell_for_rows(tuple(w_hh.shape), hidden_size, projected=w_hr is not None)
    num_layers = 1
    while f"weight_ih_l{num_layers}" in weights:
        num_layers += 1
    return RNNConfig(**{
        "input_size": int(w_ih.shape[1]),
        "hidden_size": hidden_size,
        "num_layers": num_layers,
        "bias": "bias_ih_l0" in weights,
        "bidirectional": "weight_ih_l0_reverse" in weights,
        "cell": kind.name,
        "proj_size": proj_size,
        **{k: v for k, v in fixed.items() if k not in every_option() or k in kind.option_names},
    })


def cell_for_rows(shape: tuple[int, int], hidden_size: int, projected: bool = False) -> CellType:
    """The cell type whose W_hh, of this shape, stacks gates × hidden_size rows."""
    if not hidden_size:
        raise InputError(f"weight_hh_l0 has shape {tuple(shape)}: it holds no hidden units, and a recurrent layer has "
                         "at least one")
    for kind in CELL_TYPES.values():
        if hidden_size and shape[0] == kind.gates * hidden_size and (not projected or kind.extra_parameters):
            return kind
    kinds = [k for k in CELL_TYPES.values() if not projected or k.extra_parameters]
    names = ", ".join(f"{(k.gates * hidden_size, shape[1])} for {k.label}" for k in kinds)
    raise InputError(f"weight_hh_l0 has shape {tuple(shape)}, but a recurrent layer of hidden_size {hidden_size} "
                     f"needs {names}")
