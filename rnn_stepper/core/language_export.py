"""A generation (core/language_model.py) as `rnn-stepper trace --text` shows it: lines of text, or one JSON
document holding each call's embedding row, states, logits and probabilities, and the text drawn."""

from __future__ import annotations

import json

from .distance import array_text, bits_equal, exact_text
from .language_model import Generation, LanguageModel

SCHEMA = "rnn-stepper/generation"
SCHEMA_VERSION = 1
BACKWARD_SCHEMA = "rnn-stepper/model-backward"
TOP = 5  # the most likely next tokens a line shows


def assumptions(model: LanguageModel, one_token_per_call: bool = True) -> list[str]:
    """What a state dict does not record and the hand pass had to assume, each with the flag that changes it."""
    config = model.config
    said = []
    if "nonlinearity" in config.cell_type.option_names:
        other = "relu" if config.nonlinearity == "tanh" else "tanh"
        said.append(f"nonlinearity={config.nonlinearity} (--nonlinearity {other} if the model was built with it)")
    said.append("the head is the Linear alone, its logits drawn from directly (no activation between)")
    if one_token_per_call:
        said.append("batch_first does not matter here: every call is one sequence of one token")
    elif config.batch_first:
        said.append("batch_first=True (--seq-first if the model was built without it)")
    else:
        said.append("batch_first=False, as --seq-first says")
    return said


def _token(generation: Generation, k: int) -> str:
    return repr(generation.vocabulary.tokens[k])


def text_lines(generation: Generation):
    model = generation.model
    config = model.config
    module = f"nn.{config.cell_type.module_name}"
    yield (f"{model.describe()}  ({generation.order}, {config.dtype}, {generation.sampling.describe()}); "
           f"assumed, not recorded in the file: {'; '.join(assumptions(model))}")
    yield f"call structure: {Generation.CALL_STRUCTURE}"
    yield f"stages found: {_places(model)}"
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
        "assumptions": assumptions(model),
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


# --- the whole model's backward (core/model_backward.py) ------------------------------------------------------------


def _places(model: LanguageModel) -> str:
    names = {"embedding": "the embedding", "recurrent": "the recurrent module", "head": "the head"}
    return ", ".join(f"{names[stage]} at {place[:-1] if place.endswith('.') else place or 'the top level'}"
                     for stage, place in model.places.items())


def _verdict(same: bool, ulps: float) -> str:
    return ("bitwise identical to loss.backward()" if same else f"{_g(ulps)} ulp from loss.backward()" if ulps
            else "loss.backward()'s values, but a zero's sign differs (-0.0 against 0.0)")


def backward_lines(backward, vocabulary):
    """One training step on the text, differentiated by hand: the loss, then every gradient beside autograd's."""
    model = backward.model
    config = model.config
    yield (f"{model.describe()}  (kernel, {config.dtype}); assumed, not recorded in the file: "
           f"{'; '.join(assumptions(model, backward.structure == 'per_token'))}")
    yield f"call structure: {backward.describe()}"
    yield f"stages found: {_places(model)}"
    fed, targets = (vocabulary.joined([vocabulary.tokens[k] for k in ids[0].tolist()])
                    for ids in (backward.batch.inputs, backward.batch.targets))
    yield f"training on: inputs {fed!r}, targets {targets!r} (each token's target is the one after it)"
    yield ""
    yield (f"loss: L = {'sum over the calls of ' if backward.structure == 'per_token' else ''}cross_entropy(logits, "
           f"targets) = {exact_text(float(backward.loss), config.dtype)} by hand; loss.backward()'s forward: "
           + ("the same bits" if bits_equal(backward.loss, backward.reference_loss)
              else exact_text(float(backward.reference_loss), config.dtype)))
    width = max(len(name) for name, *_ in backward.comparison())
    for name, shape, same, _difference, ulps in backward.comparison():
        yield f"  dL/d{name.ljust(width)}  {str(shape):>10}  {_verdict(same, ulps)}"
    from .model_backward import parameter_name

    embedding = backward.manual[parameter_name(model.places.get("embedding", ""), "weight")]
    rows = embedding.abs().sum(1).nonzero().flatten().tolist()
    yield (f"  the embedding's gradient reaches only the rows fed ({len(rows)} of {model.vocabulary_size}); a token fed "
           "more than once gathers every position's share, in position order")
    if backward.fused is not None:  # measured, never promised: the fused kernel sums in its own order
        yield (f"  PyTorch's default backward for this float32 nn.{config.cell_type.module_name} is oneDNN's fused "
               f"kernel ({backward.fused_kernel}), not stepped: {_g(backward.fused_max_ulps)} ulp (max |diff| "
               f"{_g(backward.fused_max_abs_diff)}) from the stepped native gradients")
    yield ("bitwise identical to loss.backward() through the model's own modules: yes" if backward.bitwise_equal
           else f"bitwise identical to loss.backward() through the model's own modules: no "
                f"({_g(backward.max_ulps)} ulp)")


def backward_document(backward, vocabulary) -> dict:
    import torch

    from ..version import __version__

    model = backward.model
    return {
        "schema": BACKWARD_SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "rnn_stepper_version": __version__,
        "torch_version": torch.__version__,
        "model": {"describe": model.describe(), "places": model.places, "recurrent": model.config.to_dict()},
        "assumptions": assumptions(model, backward.structure == "per_token"),
        "call_structure": backward.structure,
        "vocabulary": list(vocabulary.tokens),
        "inputs": backward.batch.inputs.tolist(),
        "targets": backward.batch.targets.tolist(),
        "loss": float(backward.loss),
        "reference_loss": float(backward.reference_loss),
        "gradients": {name: {"shape": list(shape), "values": backward.manual[name].tolist(),
                             "bitwise_equal": same, "max_abs_diff": difference, "max_ulps": ulps}
                      for name, shape, same, difference, ulps in backward.comparison()},
        "bitwise_equal": backward.bitwise_equal,
        "max_ulps": backward.max_ulps,
        "fused": None if backward.fused is None else {
            "kernel": backward.fused_kernel, "max_ulps": backward.fused_max_ulps,
            "max_abs_diff": backward.fused_max_abs_diff},
    }


def write_backward_json(backward, vocabulary, out) -> None:
    from .export import _strict

    out.write(json.dumps(_strict(backward_document(backward, vocabulary)), allow_nan=False, ensure_ascii=False))


def _vector(tensor) -> str:
    return array_text(tensor, max_line_width=10_000, threshold=10_000)


def _g(value: float) -> str:
    return "0" if value == 0 else f"{value:.3g}"
