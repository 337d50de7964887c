# Top-level targets. Each runtime's rules live in mk/<runtime>.mk.
#   make demo   builds what it needs and runs the end-to-end scenario
#   make test   builds and runs every test suite

.PHONY: demo test
.DEFAULT_GOAL := test

include mk/rust.mk
include mk/node.mk
include mk/python.mk
include mk/c.mk
include mk/ct.mk
include mk/docs.mk

test: test-rust test-node test-python test-c test-ct test-readme

demo: demo-prerequisites
	bash scripts/demo.sh

.PHONY: demo-prerequisites
demo-prerequisites: demo-prerequisites-node demo-prerequisites-python demo-prerequisites-c
