"""A generation (core/language_model.py) as `rnn-stepper trace --text` shows it: lines of text, or one JSON
document holding each call's embedding row, states, logits and probabilities, and the text drawn."""

from __future__ import annotations

import json

from .language_model import Generation

SCHEMA = "rnn-stepper/generation"
SCHEMA_VERSION = 1
TOP = 5  # the most likely next tokens a line shows


def assumptions(generation: Generation) -> list[str]:
    """What a state dict does not record and the generation had to assume, each with the flag that changes it."""
    config = generation.model.config
    said = []
    if "nonlinearity" in config.cell_type.option_names:
        other = "relu" if config.nonlinearity == "tanh" else "tanh"
        said.append(f"nonlinearity={config.nonlinearity} (--nonlinearity {other} if the model was built with it)")
    said.append("the head is the Linear alone, its logits drawn from directly (no activation between)")
    said.append("batch_first does not matter here: every call is one sequence of one token")
    return said


def _token(generation: Generation, k: int) -> str:
    return repr(generation.vocabulary.tokens[k])


def text_lines(generation: Generation):
    model = generation.model
    config = model.config
    module = f"nn.{config.cell_type.module_name}"
    yield (f"{model.describe()}  ({generation.order}, {config.dtype}, {generation.sampling.describe()}); "
           f"assumed, not recorded in the file: {'; '.join(assumptions(generation))}")
    yield f"call structure: {Generation.CALL_STRUCTURE}"
    names = {"embedding": "the embedding", "recurrent": "the recurrent module", "head": "the head"}
    places = ", ".join(f"{names[stage]} at {place[:-1] if place.endswith('.') else place or 'the top level'}"
                       for stage, place in model.places.items())
    yield f"stages found: {places}"
    yield ""
    states = config.cell_type.state
    for call in generation.calls:
        yield f"call {call.index}: x = {_token(generation, call.token)} → row {call.token} of the embedding"
        for state in states:
            value = call.state[state][-1, 0]
            yield f"   {'h' if state == 'hidden' else 'c'}_t = {_vector(value)}"
        top = call.probabilities.topk(min(TOP, len(call.probabilities)))
        yield ("   next: " + ", ".join(f"{_token(generation, int(k))} {float(p):.3g}"
                                       for p, k in zip(top.values, top.indices))
               + f"   (logits: max {float(call.logits.max()):.4g}, min {float(call.logits.min()):.4g})")
        if call.drawn is not None:
            yield (f"   drew {_token(generation, call.drawn)} (p = {float(call.probabilities[call.drawn]):.3g}; "
                   f"Categorical's own draw: {_token(generation, call.reference_drawn)})")
        apart = [stage for stage, same in call.stages_equal.items() if not same]
        if apart:
            yield f"   not bitwise identical to the model's own modules at: {', '.join(apart)}"
        yield ""
    yield f"generated: {generation.text!r}"
    yield (f"every stage bitwise identical to the model's own modules (nn.Embedding, {module}, nn.Linear, "
           f"Categorical): " + ("yes" if generation.bitwise_equal else f"no ({generation.max_ulps:g} ulp)"))
    if generation.fused is not None:
        same, ulps, diff = generation.fused_agreement
        same_text = generation.fused_text == generation.text
        yield (f"{module}'s default {config.dtype} pass runs a fused kernel ({generation.fused.kernel}); the hand pass "
               f"follows its native path, which torch runs with oneDNN off. Over the {same} calls fed the same text, "
               f"the fused logits land {_g(ulps)} ulp ({_g(diff)}) from these; it "
               + ("draws the same text" if same_text else f"draws {generation.fused_text!r} instead"))


def document(generation: Generation) -> dict:
    import torch

    from ..version import __version__

    model = generation.model
    states = {"hidden": "h", "cell": "c"}
    fused = generation.fused
    agreement = generation.fused_agreement
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "rnn_stepper_version": __version__,
        "torch_version": torch.__version__,
        "model": {"describe": model.describe(), "places": model.places, "recurrent": model.config.to_dict()},
        "assumptions": assumptions(generation),
        "call_structure": "one token per call",
        "order": generation.order,
        "sampling": {"seed": generation.sampling.seed, "scale": generation.sampling.scale,
                     "temperature": generation.sampling.temperature},
        "vocabulary": list(generation.vocabulary.tokens),
        "prompt": generation.vocabulary.joined([generation.vocabulary.tokens[k] for k in generation.prompt]),
        "generated": generation.text,
        "steps": [{
            "call": call.index,
            "token": generation.vocabulary.tokens[call.token],
            "id": call.token,
            "embedding": call.embedded[0].tolist(),
            **{f"{states[s]}_t": call.state[s][-1, 0].tolist() for s in model.config.cell_type.state},
            "logits": call.logits.tolist(),
            "probabilities": call.probabilities.tolist(),
            "drawn": None if call.drawn is None else {
                "token": generation.vocabulary.tokens[call.drawn], "id": call.drawn,
                "probability": float(call.probabilities[call.drawn])},
            "bitwise_equal": call.stages_equal,
            "cells_max_ulps": call.cells.max_ulps,
        } for call in generation.calls],
        "bitwise_equal": generation.bitwise_equal,
        "max_ulps": generation.max_ulps,
        "fused": None if fused is None else {
            "kernel": fused.kernel,
            "generated": generation.fused_text,
            "same_text": generation.fused_text == generation.text,
            "calls_compared": agreement[0],
            "max_ulps": agreement[1],
            "max_abs_diff": agreement[2],
        },
    }


def write_json(generation: Generation, out) -> None:
    from .export import _strict  # NaN and ±Inf as the trace's JSON writes them

    out.write(json.dumps(_strict(document(generation)), allow_nan=False, ensure_ascii=False))


def _vector(tensor) -> str:
    import numpy as np

    return np.array2string(tensor.numpy(), max_line_width=10_000, threshold=10_000)


def _g(value: float) -> str:
    return "0" if value == 0 else f"{value:.3g}"
