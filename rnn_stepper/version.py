"""The program's version, in a module of its own: the core writes it into every export and must not import the
package's public face (rnn_stepper/__init__.py), which reaches the window. pyproject.toml says the same number."""

__version__ = "0.1.0"
