# The Python package: a virtual environment with pinned tools, an abi3 wheel
# built by maturin, and the pytest suites run against the installed wheel.
#   make test-python                 builds, installs and tests the package
#   make demo-prerequisites-python   builds and installs it for scripts/demo.sh

PYTHON ?= python3
VENV := $(CURDIR)/.venv
VENV_PYTHON := $(VENV)/bin/python
PYTHON_PACKAGE := bindings/python
PYTHON_WHEEL_DIR := $(CURDIR)/target/python-wheels
PYTHON_TESTS := $(PYTHON_PACKAGE)/tests examples/flask examples/fastapi

.PHONY: test-python demo-prerequisites-python python-venv python-wheel python-install lint-python

# The stamp depends on the requirements file, so a changed pin reinstalls.
$(VENV)/.requirements-installed: $(PYTHON_PACKAGE)/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet -r $(PYTHON_PACKAGE)/requirements-dev.txt
	touch $@

python-venv: $(VENV)/.requirements-installed

# Always rebuilt: cargo decides what changed. Old wheels are removed first so
# that exactly one wheel is installed.
python-wheel: python-venv
	rm -rf $(PYTHON_WHEEL_DIR)
	$(VENV)/bin/maturin build --release --locked --quiet \
		--manifest-path $(PYTHON_PACKAGE)/Cargo.toml --out $(PYTHON_WHEEL_DIR)

python-install: python-wheel
	$(VENV_PYTHON) -m pip install --quiet --no-index --force-reinstall --no-deps \
		$(PYTHON_WHEEL_DIR)/pexelize_identity-*.whl

lint-python: python-venv
	$(VENV)/bin/ruff check $(PYTHON_PACKAGE) examples/flask examples/fastapi
	$(VENV)/bin/ruff format --check $(PYTHON_PACKAGE) examples/flask examples/fastapi

# The tests import the installed wheel: the source package under
# bindings/python/python is never on sys.path. pytest exits 5 when it
# collects no test, and make fails on that as on any non-zero exit.
test-python: python-install lint-python
	PEXELIZE_WHEEL_DIR=$(PYTHON_WHEEL_DIR) $(VENV_PYTHON) -m pytest -p no:cacheprovider --rootdir=$(CURDIR) $(PYTHON_TESTS)

demo-prerequisites-python: python-install
