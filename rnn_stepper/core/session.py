"""A session: everything that decides the numbers — config, weights, input sequence, h0 (and an LSTM's c0) and
operation order."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, replace

import torch
import torch.nn as nn

from . import layout
from .cells import every_option
from .config import DTYPES, SEED_MAX, SEED_MIN, RNNConfig, check_fits, dtype_name
from .errors import InputError

ORDERS = ("kernel", "textbook")

# The notebook's input: three timesteps of five features, 1s then 2s then 3s.
NOTEBOOK_SEQUENCE = [[1.0] * 5, [2.0] * 5, [3.0] * 5]
NOTEBOOK_SEED = 1


@dataclass(frozen=True)
class Session:
    """One recurrent module (nn.RNN, nn.GRU or nn.LSTM) and one input for it.

    `inputs` is in the layout the user hands to the module: (B, T, I) when batch_first, (T, B, I) otherwise, or
    (T, I) for an unbatched sequence. `h0` is (L·D, B, P), or (L·D, P) when unbatched, P being hidden_size or an
    LSTM's proj_size; an LSTM's `c0` is (L·D, B, H) likewise. None means zeros. `weights` has the module's
    `state_dict()` keys, in the config's dtype. `lengths`, for a padded batch, is each sequence's real length: the
    batch is then stepped as `pack_padded_sequence(inputs, lengths, enforce_sorted=False)` is (core/packed.py),
    each sequence leaving the batch when it ends, instead of stepping through its padding.
    """

    config: RNNConfig
    weights: dict[str, torch.Tensor]
    inputs: torch.Tensor
    h0: torch.Tensor | None = None
    order: str = "kernel"
    seed: int | None = None
    c0: torch.Tensor | None = None
    lengths: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise InputError(f"order must be 'kernel' or 'textbook', got {self.order!r}")
        if self.seed is not None:
            check_seed(self.seed)
        check_inputs(self.config, self.inputs)  # first: its memory estimate refuses absurd sizes in closed form
        check_weights(self.config, self.weights)
        if self.h0 is not None:
            check_h0(self.config, self.inputs, self.h0)
        if self.c0 is not None:
            cell_state = self.config.cell_type.initial_state("c0")
            if cell_state is None:
                raise InputError(f"c0 is an LSTM's initial cell state; {self.config.cell_type.label} has none")
            check_h0(self.config, self.inputs, self.c0, "c0", cell_state.size(self.config))
        if self.lengths is not None:
            object.__setattr__(self, "lengths", check_lengths(self.config, self.inputs, self.lengths, self.order))

    @property
    def batched(self) -> bool:
        return self.inputs.dim() == 3

    @property
    def seq_len(self) -> int:
        return layout.seq_len(self.inputs.shape, self.config.batch_first)

    @property
    def batch_size(self) -> int:
        return layout.batch_size(self.inputs.shape, self.config.batch_first)

    def module(self) -> nn.Module:
        """The torch module a user would build for this session: parameters requiring grad, in eval mode."""
        return build_module(self.config, self.weights)

    def initial_state(self):
        """The state argument the module takes: h0 (None for zeros), or an LSTM's (h0, c0), zeros where not given."""
        states = self.config.cell_type.states
        if len(states) == 1:
            return getattr(self, states[0].argument)
        if all(getattr(self, state.argument) is None for state in states):
            return None
        initial = self.time_major_state()
        return tuple(initial[state.name] if self.batched else initial[state.name].squeeze(1) for state in states)

    def time_major_state(self) -> dict[str, torch.Tensor]:
        """Each state's initial value as the kernel reads it, (L·D, B, ·): zeros where none was given."""
        config = self.config
        cells = config.num_layers * config.num_directions
        given = {state.name: getattr(self, state.argument) for state in config.cell_type.states}
        return {state.name: layout.batched_state(given[state.name]) if given[state.name] is not None else
                torch.zeros(cells, self.batch_size, state.size(config), dtype=config.torch_dtype)
                for state in config.cell_type.states}


def check_lengths(config: RNNConfig, inputs: torch.Tensor, lengths, order: str = "kernel") -> tuple[int, ...]:
    """Each sequence's length in a padded batch, as pack_padded_sequence takes them: one whole number from 1 to T
    per batch row. Returns them as a tuple of ints, or raises InputError saying what does not fit."""
    if inputs.dim() != 3:
        raise InputError("lengths are for a padded batch of sequences; this input is one unbatched sequence")
    steps, batch = layout.seq_len(inputs.shape, config.batch_first), layout.batch_size(inputs.shape,
                                                                                        config.batch_first)
    raw = lengths.tolist() if hasattr(lengths, "tolist") else lengths
    try:
        whole = [isinstance(n, numbers.Real) and not isinstance(n, bool) and float(n).is_integer() for n in raw]
    except TypeError:
        whole = [False]
    if not all(whole):
        raise InputError(f"lengths must be whole numbers, one per sequence, got {raw!r}"[:200])
    values = [int(n) for n in raw]
    if len(values) != batch or not all(1 <= n <= steps for n in values):
        raise InputError(f"these lengths do not fit an input of {batch} sequence{'s' * (batch != 1)} of {steps} "
                         f"timestep{'s' * (steps != 1)}: give {batch} length{'s' * (batch != 1)} from 1 to {steps}, "
                         f"got {values}"[:300])
    if order != "kernel":
        raise InputError("a packed batch is stepped as torch's packed kernel steps it: use order 'kernel' (the "
                         "textbook loop has no batch that shrinks)")
    return tuple(values)


def check_seed(seed) -> int:
    """A seed torch.manual_seed accepts, or InputError saying the range."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InputError(f"seed must be a whole number, got {seed!r}")
    if not SEED_MIN <= seed <= SEED_MAX:
        raise InputError("seed must be between -2**63 and 2**64 - 1 (what torch.manual_seed accepts), got "
                         + (str(seed) if len(str(seed)) < 40 else f"a {len(str(abs(seed)))}-digit number"))
    return seed


def new_module(config: RNNConfig, dtype: torch.dtype | None = None) -> nn.Module:
    """The torch module (nn.RNN, nn.GRU, nn.LSTM, or a cell type's own reference) with this config's options, its
    parameters freshly drawn from torch's global RNG."""
    kind = config.cell_type
    return kind.reference_class()(config.input_size, config.hidden_size, **kind.module_options(config),
                                  dtype=dtype or config.torch_dtype)


def seeded_weights(config: RNNConfig, seed: int) -> dict[str, torch.Tensor]:
    """The weights `torch.manual_seed(seed); nn.RNN(...)` (or nn.GRU, nn.LSTM) draws, without touching the
    caller's RNG.

    They are always drawn in float32, as the notebook does, and then converted: switching to float64 shows the
    same model in more precision rather than a different model.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check_seed(seed))
        module = new_module(config, dtype=torch.float32)
    return {name: p.detach().to(config.torch_dtype).clone() for name, p in module.state_dict().items()}


def build_module(config: RNNConfig, weights: dict[str, torch.Tensor]) -> nn.Module:
    """The module a user would build for these weights: parameters requiring grad, in eval mode."""
    module = new_module(config)
    module.load_state_dict(weights)
    # load_state_dict copies into the new module's contiguous parameters. A weight held with other strides (a
    # column-major W_hh, `nn.Parameter(W.t().contiguous().t())`) keeps them: the strides pick the GEMM's path,
    # and so the module's last bits, and the hand pass computes with these parameters.
    for name, value in weights.items():
        if value.stride() != getattr(module, name).stride():
            setattr(module, name, nn.Parameter(value.detach().clone()))  # clone keeps a dense tensor's strides
    return module.eval()


def as_tensor(values, config: RNNConfig, what: str) -> torch.Tensor:
    """Nested lists, numpy arrays or tensors, as a tensor in the config's dtype."""
    try:
        return torch.as_tensor(values).to(config.torch_dtype).clone()
    except (TypeError, ValueError, RuntimeError) as exc:
        raise InputError(f"{what} is not a rectangular array of numbers ({exc})") from None


def check_weights(config: RNNConfig, weights: dict[str, torch.Tensor]) -> None:
    expected = config.parameter_shapes()
    missing = [k for k in expected if k not in weights]
    extra = [k for k in weights if k not in expected]
    if missing:
        raise InputError(f"missing key {missing[0]}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    if extra:
        raise InputError(
            f"unexpected key {extra[0]}" + (f" (and {len(extra) - 1} more)" if len(extra) > 1 else "")
            + f" for {config.describe()}"
        )
    for name, shape in expected.items():
        got = tuple(weights[name].shape)
        if got != shape:
            raise InputError(f"{name} has shape {got}, but {config.describe()} needs {shape}")
        if weights[name].dtype != config.torch_dtype:
            raise InputError(f"{name} is {weights[name].dtype}, expected {config.torch_dtype}")


def check_inputs(config: RNNConfig, inputs: torch.Tensor) -> None:
    if inputs.dim() not in (2, 3):
        raise InputError(
            f"the input sequence has {inputs.dim()} dimensions; give (T, input_size) or "
            + ("(batch, T, input_size)" if config.batch_first else "(T, batch, input_size)")
        )
    if inputs.dtype != config.torch_dtype:
        raise InputError(f"the input sequence is {inputs.dtype}, expected {config.torch_dtype}")
    if inputs.shape[-1] != config.input_size:
        raise InputError(
            f"each timestep has {inputs.shape[-1]} values but input_size is {config.input_size}"
        )
    if inputs.numel() == 0:
        raise InputError("the input sequence is empty; give at least one timestep")
    check_fits(config, layout.seq_len(inputs.shape, config.batch_first),
                         layout.batch_size(inputs.shape, config.batch_first))


def check_h0(config: RNNConfig, inputs: torch.Tensor, h0: torch.Tensor, what: str = "h0",
             size: int | None = None) -> None:
    """An initial state (h0, or an LSTM's c0) of the shape the module takes for this input."""
    cells = config.num_layers * config.num_directions
    size = config.output_size if size is None else size
    if inputs.dim() == 3:
        expected: tuple[int, ...] = (cells, layout.batch_size(inputs.shape, config.batch_first), size)
    else:
        expected = (cells, size)
    if tuple(h0.shape) != expected:
        raise InputError(
            f"{what} has shape {tuple(h0.shape)}, but this session needs {expected} "
            f"(num_layers × directions, batch, {'proj_size' if size != config.hidden_size else 'hidden_size'})"
        )
    if h0.dtype != config.torch_dtype:
        raise InputError(f"{what} is {h0.dtype}, expected {config.torch_dtype}")


def make_session(
    config: RNNConfig | None = None,
    inputs=None,
    *,
    seed: int | None = NOTEBOOK_SEED,
    weights: dict[str, torch.Tensor] | None = None,
    h0=None,
    c0=None,
    order: str = "kernel",
    unbatched: bool = False,
) -> Session:
    """A session from a config plus either a seed or a state dict. With no arguments, the notebook's.

    A 2-D input sequence stands for one sequence and is fed to `nn.RNN` as a batch of one, as the notebook's
    `torch.reshape(x_seq, (1, 3, 5))` does; with `unbatched=True` it is fed as it is, in nn.RNN's unbatched form.
    """
    config = config or RNNConfig()
    if inputs is None:
        inputs = NOTEBOOK_SEQUENCE
    inputs = as_tensor(inputs, config, "the input sequence")
    if inputs.dim() == 2 and not unbatched:
        inputs = inputs.unsqueeze(0 if config.batch_first else 1)
    check_inputs(config, inputs)  # before weights: an absurd size is refused before it is allocated
    if weights is None:
        if seed is None:
            raise InputError("give either a seed or weights")
        weights = seeded_weights(config, seed)
    else:
        seed = None
        weights = {k: as_tensor(v, config, k) for k, v in weights.items()}
    states = {}
    for name, value in (("h0", h0), ("c0", c0)):
        if value is not None:
            value = as_tensor(value, config, name)
            if value.dim() == 2 and inputs.dim() == 3 and layout.batch_size(inputs.shape, config.batch_first) == 1:
                value = value.unsqueeze(1)  # (L·D, ·) for a batch of one
            states[name] = value
    return Session(config=config, weights=weights, inputs=inputs, order=order, seed=seed, **states)


def module_config(module: nn.Module) -> RNNConfig:
    """The config of a torch.nn.RNN, GRU or LSTM (or a registered cell type's reference) someone already built."""
    from .cells import module_cell_type

    kind = module_cell_type(module)
    if kind is None:
        raise InputError(f"expected a torch.nn.RNN, GRU or LSTM, got {type(module).__name__}")
    dtype = next(module.parameters()).dtype
    if dtype_name(dtype) is None:
        raise InputError(f"the module's parameters are {dtype}; the stepper shows {', '.join(DTYPES)}")
    return RNNConfig(
        input_size=module.input_size,
        hidden_size=module.hidden_size,
        num_layers=module.num_layers,
        bias=module.bias,
        batch_first=module.batch_first,
        bidirectional=module.bidirectional,
        dropout=float(module.dropout),
        dtype=dtype_name(dtype),
        cell=kind.name,
        **{name: getattr(module, name) for name in kind.option_names},
    )


def session_from_module(module: nn.Module, inputs, h0=None, order: str = "kernel", c0=None) -> Session:
    """A session for a torch.nn.RNN, GRU or LSTM someone already built."""
    config = module_config(module)
    weights = {k: v.detach().clone() for k, v in module.state_dict().items()}
    inputs = as_tensor(inputs, config, "the input sequence")
    h0 = None if h0 is None else as_tensor(h0, config, "h0")
    c0 = None if c0 is None else as_tensor(c0, config, "c0")
    return Session(config=config, weights=weights, inputs=inputs, h0=h0, c0=c0, order=order)


def batch_major(session: Session) -> torch.Tensor:
    """The input as (B, T, I) whatever its layout: the shape an editor shows, one table per batch row."""
    return layout.batch_major(session.inputs, session.config.batch_first)


def with_inputs(session: Session, rows) -> Session:
    """The same session fed another (B, T, I) input, laid out as this session lays its input out."""
    config = session.config
    x = as_tensor(rows, config, "the input sequence")
    if x.dim() != 3:
        raise InputError("the input sequence must be (batch, T, input_size)")
    x = layout.from_batch_major(x, config.batch_first, batched=session.batched or x.shape[0] != 1)
    return replace(session, inputs=x, **fitting_states(session, config, x))


def fitting_states(session: Session, config: RNNConfig, inputs: torch.Tensor) -> dict:
    """h0 and c0 in the config's dtype, each kept while its shape fits this input, else None (zeros); the lengths
    kept while every sequence still fits, else None (the batch stepped whole)."""
    kept = {}
    for name in ("h0", "c0"):
        state = config.cell_type.initial_state(name)
        value = getattr(session, name) if state is not None else None
        if value is not None:
            value = value.to(config.torch_dtype)
            try:
                check_h0(config, inputs, value, name, state.size(config))
            except InputError:
                value = None
        kept[name] = value
    kept["lengths"] = None
    if session.lengths is not None:  # kept while every sequence still fits the input's T and batch
        try:
            kept["lengths"] = check_lengths(config, inputs, session.lengths, session.order)
        except InputError:
            pass
    return kept


def with_weight(session: Session, name: str, index: tuple[int, ...], value: float) -> Session:
    """The same session with one weight changed: what a double-click on a heatmap cell does."""
    if name not in session.weights:
        raise InputError(f"no parameter named {name}")
    largest = torch.finfo(session.config.torch_dtype).max
    if abs(value) > largest and value == value and abs(value) != float("inf"):
        raise InputError(f"{value:g} does not fit in {session.config.dtype} (largest {largest:.3g}); type a smaller "
                         "number, or inf")
    weights = dict(session.weights)
    weights[name] = weights[name].clone()
    weights[name][index] = value
    return replace(session, weights=weights, seed=None)


def reconfigured(session: Session, *, seed: int | None = None, order: str | None = None, **changes) -> Session:
    """The session after a change of config, keeping what still fits.

    The input keeps its rows; its columns are cut or padded with zeros to a new input_size. The weights are kept
    (in the new dtype) while their shapes still fit and no new seed is asked for; otherwise the seed draws new
    ones. h0 and c0 are kept while their shapes fit. Options the new cell type does not have (nonlinearity for a
    GRU, proj_size for an RNN) go back to their defaults.
    """
    config = session.config.replace(**changes)
    config = config.replace(**{name: option.default for name, option in every_option().items()
                               if name not in config.cell_type.option_names and name not in changes})
    rows = batch_major(session)
    width = rows.shape[-1]
    if config.input_size < width:
        rows = rows[..., : config.input_size]
    elif config.input_size > width:
        rows = torch.cat([rows, rows.new_zeros(*rows.shape[:-1], config.input_size - width)], dim=-1)
    rows = rows.to(config.torch_dtype)
    x = layout.from_batch_major(rows, config.batch_first, session.batched)
    check_inputs(config, x)
    keep = seed is None and config.parameter_shapes() == session.config.parameter_shapes()
    if keep:
        weights = {k: v.to(config.torch_dtype) for k, v in session.weights.items()}
        seed = session.seed
    else:
        seed = seed if seed is not None else (session.seed if session.seed is not None else NOTEBOOK_SEED)
        weights = seeded_weights(config, seed)
    return replace(session, config=config, weights=weights, inputs=x, order=order or session.order, seed=seed,
                   **fitting_states(session, config, x))


def with_imported_weights(session: Session, weights: dict[str, torch.Tensor]) -> Session:
    """The session with a checkpoint's nn.RNN, nn.GRU or nn.LSTM weights, its config read off their shapes (cell
    type, sizes, layers, bias, bidirectional, proj_size). nonlinearity and batch_first are not in a state dict:
    they stay as they were. The input keeps its rows; its columns are cut or padded with zeros to the
    checkpoint's input_size."""
    from .config import infer_config

    stored = weights.get("weight_ih_l0")
    # The file's own dtype, as its module would run (float16 and bfloat16 too), but a float32 file opened in a
    # float64 session stays float64: widened exactly.
    stored = None if stored is None else dtype_name(stored.dtype)
    keep = stored is None or stored == "float32" and session.config.dtype == "float64"
    dtype = session.config.dtype if keep else stored
    config = infer_config(weights, nonlinearity=session.config.nonlinearity,
                          batch_first=session.config.batch_first, dtype=dtype)
    converted = {name: as_tensor(value, config, name) for name, value in weights.items()}
    check_weights(config, converted)  # before anything else is built: a wrong file changes nothing
    sizes = {k: getattr(config, k) for k in ("input_size", "hidden_size", "num_layers", "bias", "bidirectional",
                                             "dtype", "cell", "proj_size", "nonlinearity")}
    shaped = reconfigured(session, **sizes)
    return replace(shaped, config=config, weights=converted, seed=None)
