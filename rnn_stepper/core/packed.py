"""Variable-length batches. PyTorch steps a `PackedSequence` with a batch that shrinks as sequences end
(`batch_sizes`); a padded tensor it steps whole, padding and all, so the h_n of a shorter sequence is the state
after its padding, not after its last real token.

The stepper steps padded batches as given. What it can tell is when a batch looks padded: some rows end in
all-zero timesteps (pad_sequence's default padding_value) and others do not, so that whoever reads the trace knows
the padding is being stepped through.
"""

from __future__ import annotations

from . import layout


def trailing_padding(inputs, batch_first: bool) -> dict[int, int]:
    """For a batch of two or more sequences, each row's count of all-zero timesteps at its end, where the rows do
    not all end alike (a batch padded to its longest sequence); {} otherwise."""
    if inputs.dim() != 3:
        return {}
    rows = layout.batch_major(inputs, batch_first)  # (B, T, I)
    if rows.shape[0] < 2:
        return {}
    zero_steps = (rows == 0).all(dim=-1)  # (B, T): timesteps that are all zeros
    # the length of each row's run of zero timesteps at its end: the first nonzero step from the end
    real = (~zero_steps).flip(1).int().argmax(dim=1)
    counts = [int(n) if not bool(zero_steps[b].all()) else rows.shape[1] for b, n in enumerate(real.tolist())]
    if len(set(counts)) == 1:
        return {}
    return {b: n for b, n in enumerate(counts) if n}


def padding_note(inputs, batch_first: bool) -> str | None:
    """One line saying the padding is stepped through, or None when the batch does not look padded."""
    padded = trailing_padding(inputs, batch_first)
    if not padded:
        return None
    rows = ", ".join(f"{b} ({n})" for b, n in padded.items())
    return (f"batch rows {rows} end in all-zero timesteps (how many in brackets): if that is padding, it is being "
            "stepped through, as torch.nn steps a padded tensor, and those rows' h_n are the states after it, not "
            "the h_n a model that packs its batch (pack_padded_sequence with the lengths) uses")
