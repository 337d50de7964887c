# Placeholder until the node package lands; its owner replaces this file.
.PHONY: test-node demo-prerequisites-node
test-node:
	@echo "node package: no tests yet"
demo-prerequisites-node:
