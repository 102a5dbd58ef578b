"""Which packages the wheel holds: found, not listed, so a new subpackage can never be left out.

Everything else about the project is in pyproject.toml. This file exists for one thing pyproject.toml cannot say
alone: resources/ (icons, translations, example sessions) stays at the top of the repository, as the design asks,
and ships inside the wheel as the package `rnn_stepper.resources`, beside the packages found under rnn_stepper/.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["rnn_stepper", "rnn_stepper.*"]) + ["rnn_stepper.resources"],
    package_dir={"rnn_stepper.resources": "resources"},
)
