"""What one step of an Elman cell computes, in the order a click walks through them (see trace.py for the
equations). Another cell type (LSTM, GRU) brings its own tuple; everything downstream iterates over
`CellTrace.phases`. Kept apart from trace.py so the window can lay out its views before torch has loaded."""

PHASES = ("input_projection", "recurrent_term", "pre_activation", "hidden")
