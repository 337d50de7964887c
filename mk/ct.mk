# Constant-time evidence and the fuzz properties.
#   make test-ct   the short version CI runs: property tests, a dudect run of
#                  200,000 measurements per class and the memcheck harness
#   make ct        the long version: the same with 2,000,000 per class
# The fuzz targets need nightly and cargo-fuzz; see docs/security.md.

CARGO ?= cargo
CC ?= cc

CT_BUILD := build/ct
CT_SHORT_PER_CLASS := 200000
CT_LONG_PER_CLASS := 2000000
# A profile of its own, with line tables, so that memcheck names the inlined
# Rust frames the suppressions match, without touching the release build.
CT_PROFILE := CARGO_PROFILE_CTGRIND_INHERITS=release \
	CARGO_PROFILE_CTGRIND_DEBUG=line-tables-only

.PHONY: ct test-ct ct-properties ct-dudect-short ct-dudect-long ct-memcheck

ct-properties:
	$(CARGO) test --locked -p pexelize-ct

ct-dudect-short:
	$(CARGO) build --release --locked -p pexelize-ct
	target/release/pexelize-ct --per-class $(CT_SHORT_PER_CLASS)

ct-dudect-long:
	$(CARGO) build --release --locked -p pexelize-ct
	target/release/pexelize-ct --per-class $(CT_LONG_PER_CLASS)

# The harness links the static library, so memcheck sees the Rust code with
# its debug info and no loader path is needed.
ct-memcheck: deps-c
	$(CT_PROFILE) $(CARGO) build --profile ctgrind --locked -p pexelize-identity-c
	clang-format --dry-run --Werror tests/ct/ctgrind.c
	@mkdir -p $(CT_BUILD)
	$(CC) -std=c11 -Wall -Wextra -Werror -g -O1 -Ibindings/c/include \
		tests/ct/ctgrind.c target/ctgrind/libpexelize_identity_c.a \
		-lpthread -ldl -lm -o $(CT_BUILD)/ctgrind
	bash tests/ct/run-ctgrind.sh $(CT_BUILD)/ctgrind tests/ct/declassify.supp

test-ct: ct-properties ct-dudect-short ct-memcheck

ct: ct-properties ct-dudect-long ct-memcheck
