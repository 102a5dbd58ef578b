# `make run` opens RNN Stepper on the notebook's session; `make test` runs the whole suite headless.
# Both create .venv when it is missing and install the pinned versions from constraints.txt.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast lint exactness trace bench bench-memory clean system-deps translations

run: $(STAMP) system-deps
	$(PY) -m rnn_stepper $(ARGS)

trace: $(STAMP)
	$(PY) -m rnn_stepper trace $(ARGS)

test: $(STAMP) system-deps lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(ARGS)
	$(if $(ARGS),,@$(MAKE) --no-print-directory exactness)

# The edit loop: everything but the gui and slow tests (tests/conftest.py marks them), in under two minutes.
# `make test` stays the whole suite, and is what CI runs.
test-fast: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not gui and not slow" $(ARGS)

# The house rules, in seconds: the layers' import contracts and ruff (pyproject.toml's [tool.importlinter] and
# [tool.ruff]). `$(VENV)/bin/ruff check --fix .` sorts imports after a merge.
lint: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff check --no-cache .

# The exactness tests (parity with nn.RNN, the aten call sequence, the notebook, the addition-order lesson; marked
# exactness in tests/conftest.py) once more under other numeric environments: other thread counts, and the code
# paths MKL and ATen take on other CPUs. What no environment here can show, the call-sequence test covers: the same
# calls give the same bits on any CPU.
# TORCH_THREADS is read by tests/conftest.py: torch caps OMP_NUM_THREADS at the number of cores.
NUMERIC_ENVIRONMENTS := TORCH_THREADS=1 TORCH_THREADS=4 MKL_ENABLE_INSTRUCTIONS=AVX2 ATEN_CPU_CAPABILITY=default

exactness: $(STAMP)
	@for setting in $(NUMERIC_ENVIRONMENTS); do \
	  echo "== exactness tests with $$setting"; \
	  env $$setting QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider -m exactness || exit 1; \
	done

# The CPU torch wheel on this machine is for Python 3.11; constraints.txt pins it so pip never reaches for CUDA.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Qt links libEGL, libxkbcommon, fontconfig and (on a real display) the xcb libraries; Debian images may lack them.
system-deps:
	@bash .ci/system-deps

bench: $(STAMP) system-deps
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run.py $(ARGS)

# Peak memory of trace (text, JSON, CSV) and of the window at three sizes, against the estimate jobs are refused by.
bench-memory: $(STAMP) system-deps
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/memory.py $(ARGS)

# After changing a user-facing string: extract it into the .ts, translate it there (Qt Linguist or an editor),
# then build the .qm that ships. tests/test_translations.py fails while a string is untranslated.
translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate rnn_stepper/*.py rnn_stepper/ui/*.py rnn_stepper/core/cells/*.py rnn_stepper/core/explain.py -ts resources/translations/rnn_stepper_ko.ts -no-obsolete
	$(VENV)/bin/pyside6-lrelease resources/translations/rnn_stepper_ko.ts -qm resources/translations/rnn_stepper_ko.qm

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
