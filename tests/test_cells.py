"""Each cell type declares everything the rest of the program reads of it, and its declarations agree with the
numbers its steps store."""

import pytest
import torch

from rnn_stepper.core import RNNConfig, compute_trace, make_session
from rnn_stepper.core.cells import CELL_TYPES
from rnn_stepper.core.equations import VECTOR, fill, written_out

CONFIGS = [RNNConfig(cell="rnn"), RNNConfig(cell="rnn", nonlinearity="relu", bias=False), RNNConfig(cell="gru"),
           RNNConfig(cell="gru", bias=False), RNNConfig(cell="lstm"), RNNConfig(cell="lstm", hidden_size=3, proj_size=2),
           RNNConfig(cell="lstm", bias=False, bidirectional=True)]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c.describe())
@pytest.mark.parametrize("order", ["kernel", "textbook"])
def test_every_phase_declared_is_stored_at_its_declared_width_and_written_out_with_its_own_numbers(config, order):
    session = make_session(config, seed=3, order=order)
    trace = compute_trace(session)
    phases = config.cell_type.phases(config)
    assert trace.phases == config.phases == tuple(p.name for p in phases)
    assert phases[-1].name == "hidden" and len(set(config.phases)) == len(phases)
    cell = trace.cell(0)
    for phase in phases:
        width = config.output_size if phase.name == "hidden" else phase.width * config.hidden_size
        assert cell.phases[phase.name].shape == (session.seq_len, 1, width), phase.name
        equation, numbers, result = written_out(phase, session, cell, 1, 0, lambda v: f"<{v.size}>")
        assert not VECTOR.search(equation + numbers) and "[" not in equation, (equation, numbers)
        assert ("b_" in equation + numbers) == (config.bias and "b_" in phase.equation_for(order))
        assert result == f"<{width}>"


@pytest.mark.parametrize("kind", CELL_TYPES.values(), ids=lambda k: k.name)
def test_a_cell_types_parameters_are_the_torch_modules_own(kind):
    for config in (RNNConfig(cell=kind.name, input_size=3, hidden_size=4, num_layers=2, bidirectional=True),
                   RNNConfig(cell=kind.name, bias=False)):
        module = make_session(config, [[0.0] * config.input_size]).module()
        assert {k: tuple(v.shape) for k, v in module.state_dict().items()} == config.parameter_shapes()
        assert config.describe() == repr(module).replace("nonlinearity=relu, ", "")


def test_options_of_one_cell_type_are_refused_for_another_as_torch_refuses_them():
    from rnn_stepper.core.errors import InputError

    with pytest.raises(InputError, match="nonlinearity is not an option of nn.GRU"):
        RNNConfig(cell="gru", nonlinearity="relu")
    with pytest.raises(InputError, match="proj_size is not an option of nn.RNN"):
        RNNConfig(proj_size=1)
    with pytest.raises(InputError, match="proj_size must be smaller than hidden_size"):
        RNNConfig(cell="lstm", hidden_size=2, proj_size=2)
    with pytest.raises(InputError, match="cell must be one of"):
        RNNConfig(cell="transformer")


def test_latex_writes_subscripts_and_symbols_and_keeps_the_numbers_as_given():
    text = fill("n_{t} = tanh(a_n + r_{t} ⊙ s_n)", bias=True, t=3, prev="2", latex=True)
    assert text == r"n_{3} = \tanh (a_{n} + r_{3} \odot s_{n})"
    assert fill("W_ih · {x} [+ b_ih]", bias=False, t=0, prev="init", vector=lambda n, k: "X", latex=True) == \
        r"W_{ih} \cdot X"


def test_a_cell_state_is_carried_from_step_to_step_in_the_walks_order():
    session = make_session(RNNConfig(cell="lstm", bidirectional=True), c0=torch.ones(2, 2))
    trace = compute_trace(session)
    forward, reverse = trace.cell(0, 0), trace.cell(0, 1)
    assert torch.equal(forward.c_prev[0], torch.ones(1, 2)) and torch.equal(forward.c_prev[1], forward.phases["cell"][0])
    assert torch.equal(reverse.c_prev[2], torch.ones(1, 2)) and torch.equal(reverse.c_prev[0], reverse.phases["cell"][1])
    assert torch.equal(trace.final["cell"][1], reverse.phases["cell"][0]) and trace.bitwise_equal
