# Placeholder until the c package lands; its owner replaces this file.
.PHONY: test-c demo-prerequisites-c
test-c:
	@echo "c package: no tests yet"
demo-prerequisites-c:
