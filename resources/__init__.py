"""RNN Stepper's runtime files (example sessions, translations, a trained example), shipped inside the wheel as
the package `rnn_stepper.resources`; read them with importlib.resources, never by path from the source tree."""
