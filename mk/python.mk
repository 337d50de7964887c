# Placeholder until the python package lands; its owner replaces this file.
.PHONY: test-python demo-prerequisites-python
test-python:
	@echo "python package: no tests yet"
demo-prerequisites-python:
