# The Rust workspace: formatting, lints and the core crate's tests.

CARGO ?= cargo

.PHONY: test-rust lint-rust

lint-rust:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

test-rust: lint-rust
	$(CARGO) test -p pexelize-identity --locked
