# The README's code blocks, run against the built packages so they stay true.

.PHONY: test-readme

# NODE_PATH points at a folder whose only entry links to bindings/node, so
# require("pexelize-identity") resolves as it does after npm install.
test-readme: build-node python-install install-c-test-prefix
	mkdir -p target/readme-node-path
	ln -sfn $(CURDIR)/bindings/node target/readme-node-path/pexelize-identity
	$(VENV_PYTHON) tests/readme/run_snippets.py README.md \
		--python $(VENV_PYTHON) \
		--node-path $(CURDIR)/target/readme-node-path \
		--c-flags "$$($(C_TEST_PKG_CONFIG) --cflags --libs pexelize-identity)" \
		--library-path $(C_TEST_PREFIX)/lib
