"""Session files: a round trip is bitwise exact, and a bad file is refused without touching the open session."""

import json
import os

import numpy as np
import pytest
import torch

from rnn_stepper.core import InputError, RNNConfig, compute_trace, make_session
from rnn_stepper.core.session_file import load_session, save_session, session_to_document


def test_a_round_trip_is_bitwise_exact_in_every_dtype(tmp_path):
    for dtype in ("float32", "float64", "float16", "bfloat16"):
        config = RNNConfig(input_size=3, hidden_size=4, num_layers=2, bidirectional=True, dtype=dtype)
        session = make_session(config, np.random.default_rng(0).standard_normal((2, 5, 3)), seed=7,
                               h0=np.random.default_rng(1).standard_normal((4, 2, 4)), order="textbook")
        path = tmp_path / f"s-{dtype}.rnnstep.json"
        save_session(str(path), session, {"position": 6, "layer": 1, "direction": 1})
        loaded, cursor = load_session(str(path))
        assert cursor == {"position": 6, "layer": 1, "direction": 1}
        assert loaded.config == session.config and loaded.order == "textbook" and loaded.seed == 7
        for name, value in session.weights.items():
            assert loaded.weights[name].dtype == value.dtype
            assert torch.equal(loaded.weights[name].view(torch.uint8), value.view(torch.uint8))
        assert torch.equal(loaded.inputs, session.inputs) and torch.equal(loaded.h0, session.h0)
        assert torch.equal(compute_trace(loaded).output, compute_trace(session).output)


def test_nan_in_the_input_survives_as_strict_json(tmp_path):
    session = make_session(inputs=[[1, 1, 1, 1, 1], [float("nan"), 2, 2, 2, 2]])
    path = tmp_path / "nan.rnnstep.json"
    save_session(str(path), session)
    json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(c))
    loaded, _ = load_session(str(path))
    assert np.isnan(loaded.inputs[0, 1, 0].item())


def test_an_unbatched_session_stays_unbatched(tmp_path):
    session = make_session(inputs=[[1, 2, 3, 4, 5]], unbatched=True)
    save_session(str(tmp_path / "u.rnnstep.json"), session)
    assert not load_session(str(tmp_path / "u.rnnstep.json"))[0].batched


@pytest.mark.parametrize("change, says", [
    (lambda d: d.update(version=99), "made by a newer RNN Stepper (session version 99)"),
    (lambda d: d.update(format="something"), "not an RNN Stepper session"),
    (lambda d: d["weights"].pop("weight_hh_l0"), "missing key weight_hh_l0"),
    (lambda d: d["config"].update(hidden_size=3), "weight_ih_l0 has shape (2, 5), but RNN(5, 3"),
    (lambda d: d.update(input=[[1, 2], [3]]), "ragged"),
    (lambda d: d["config"].update(nonlinearity="sigmoid"), "nonlinearity must be 'tanh' or 'relu'"),
    (lambda d: d["config"].update(colour="blue"), "unknown field(s) colour"),
])
def test_an_inconsistent_or_newer_file_is_refused_with_a_clear_message(tmp_path, change, says):
    doc = session_to_document(make_session())
    change(doc)
    path = tmp_path / "bad.rnnstep.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError) as refused:
        load_session(str(path))
    assert says in str(refused.value) and str(path) in str(refused.value)


def test_a_damaged_file_is_refused(tmp_path):
    path = tmp_path / "cut.rnnstep.json"
    path.write_text(json.dumps(session_to_document(make_session()))[:100])
    with pytest.raises(InputError, match="is damaged: not valid JSON"):
        load_session(str(path))


def test_a_failed_save_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "keep.rnnstep.json"
    save_session(str(path), make_session())
    before = path.read_bytes()

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(InputError, match="could not save .No space left on device"):
        save_session(str(path), make_session(seed=2))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.rnnstep.json"]  # no temporary left behind


def test_saving_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(InputError, match="cannot write here"):
        save_session(str(tmp_path / "nowhere" / "s.rnnstep.json"), make_session())


# --- cell types (format version 2) ---------------------------------------------------------------------------------

# The notebook's session as RNN Stepper 0.1 wrote it (format version 1, before cell types): byte for byte the
# shipped resources/sessions/notebook.rnnstep.json of that release. Its config names no cell.
VERSION_1 = (
    '{"format": "rnn-stepper/session", "version": 1, "config": {"input_size": 5, "hidden_size": 2, "num_layers": 1, '
    '"nonlinearity": "tanh", "bias": true, "batch_first": true, "bidirectional": false, "dropout": 0.0, '
    '"dtype": "float32"}, "seed": 1, "order": "kernel", "weights": {"weight_ih_l0": [[0.36434608697891235, '
    '-0.3121015429496765, -0.13708077371120453, 0.3318939507007599, -0.665696382522583], [0.42406412959098816, '
    '-0.1454697549343109, 0.35973623394966125, 0.09829985350370407, -0.08658108860254288]], "weight_hh_l0": '
    '[[0.19612377882003784, 0.034882839769124985], [0.2582553029060364, -0.2755602300167084]], "bias_ih_l0": '
    '[-0.051554277539253235, -0.0636589378118515], "bias_hh_l0": [0.1024908497929573, -0.002824766095727682]}, '
    '"input": [[[1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0], [3.0, 3.0, 3.0, 3.0, 3.0]]], "batched": true, '
    '"h0": null, "cursor": {}}')


def test_a_version_1_file_still_opens_as_the_nn_rnn_session_it_was(tmp_path):
    path = tmp_path / "old.rnnstep.json"
    path.write_text(VERSION_1)
    session, _ = load_session(str(path))
    assert session.config.cell == "rnn" and session.config.proj_size == 0 and session.c0 is None
    assert session.config == make_session().config  # the notebook's nn.RNN, as it was saved
    for name, values in json.loads(VERSION_1)["weights"].items():  # its weights, read back exactly as written
        assert torch.equal(session.weights[name], torch.tensor(values, dtype=torch.float32))
    assert compute_trace(session).bitwise_equal
    assert session_to_document(session)["version"] == 2  # saving it again writes the current format


def lstm_session(**changes):
    config = RNNConfig(cell="lstm", input_size=3, hidden_size=4, proj_size=2, num_layers=2, bidirectional=True,
                       **changes)
    rng = np.random.default_rng(5)
    return make_session(config, rng.standard_normal((2, 6, 3)), seed=11, h0=rng.standard_normal((4, 2, 2)),
                        c0=rng.standard_normal((4, 2, 4)))


@pytest.mark.parametrize("session", [
    pytest.param(lambda: lstm_session(), id="lstm-proj-c0"),
    pytest.param(lambda: lstm_session(dtype="float64"), id="lstm-float64"),
    pytest.param(lambda: make_session(RNNConfig(cell="gru", num_layers=2), seed=4, h0=np.ones((2, 2))), id="gru"),
])
def test_a_gru_or_lstm_session_round_trips_bitwise_with_its_cell_type_and_c0(tmp_path, session):
    session = session()
    path = tmp_path / "cell.rnnstep.json"
    save_session(str(path), session, {"position": 9})
    doc = json.loads(path.read_text())
    assert doc["version"] == 2 and doc["config"]["cell"] == session.config.cell
    assert doc["config"]["proj_size"] == session.config.proj_size
    loaded, cursor = load_session(str(path))
    assert loaded.config == session.config and cursor == {"position": 9}
    for name, value in session.weights.items():
        assert np.array_equal(loaded.weights[name].numpy().view(np.uint8), value.numpy().view(np.uint8))
    for state in ("h0", "c0"):
        assert (getattr(loaded, state) is None) == (getattr(session, state) is None)
        if getattr(session, state) is not None:
            assert torch.equal(getattr(loaded, state), getattr(session, state))
    expected, got = compute_trace(session), compute_trace(loaded)
    assert got.bitwise_equal and all(torch.equal(got.final[s], expected.final[s]) for s in expected.final)


@pytest.mark.parametrize("change, says", [
    (lambda d: d.update(c0=[[0.5, 0.5]]), "c0 is an LSTM's initial cell state; nn.RNN has none"),
    (lambda d: (d["config"].update(cell="gru"), d["weights"].update(
        {k: v * 3 for k, v in d["weights"].items()}), d.update(c0=[[[0.5, 0.5]]])),
     "c0 is an LSTM's initial cell state; nn.GRU has none"),
    (lambda d: (d["config"].update(cell="lstm"), d["weights"].update(
        {k: v * 4 for k, v in d["weights"].items()}), d.update(c0=[[[0.5, 0.5, 0.5]]])),
     "c0 has shape (1, 1, 3), but this session needs (1, 1, 2)"),
    (lambda d: d["config"].update(cell="lstm"), "weight_ih_l0 has shape (2, 5), but LSTM(5, 2, batch_first=True) "
                                                "needs (8, 5)"),
    (lambda d: d["config"].update(proj_size=1), "proj_size is not an option of nn.RNN"),
    (lambda d: d["config"].update(cell="transformer"), "cell must be one of 'rnn', 'gru', 'lstm'"),
])
def test_a_c0_or_cell_that_does_not_fit_is_refused_in_one_line(tmp_path, change, says):
    doc = session_to_document(make_session())
    change(doc)
    path = tmp_path / "bad.rnnstep.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError) as refused:
        load_session(str(path))
    message = str(refused.value)
    assert says in message and str(path) in message and "\n" not in message
