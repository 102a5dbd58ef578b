"""Session files: a round trip is bitwise exact, and a bad file is refused without touching the open session."""

import json
import os

import numpy as np
import pytest
import torch

from rnn_stepper.core import InputError, RNNConfig, compute_trace, make_session
from rnn_stepper.core.session_file import load_session, save_session, session_to_document


def test_a_round_trip_is_bitwise_exact_in_both_dtypes(tmp_path):
    for dtype in ("float32", "float64"):
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
            assert np.array_equal(loaded.weights[name].numpy().view(np.uint8), value.numpy().view(np.uint8))
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
