# The C library: build, install, tests and benchmark.
#   make install PREFIX=/usr/local  installs the header, the shared and
#                                   static libraries and a pkg-config file
#   make test-c                     runs the C tests (installs into build/prefix)
#   make bench-c                    runs the benchmarks against OpenSSL and
#                                   the Rust breakdown of signing

CARGO ?= cargo
CC ?= cc
PYTHON3 ?= python3
PREFIX ?= /usr/local

C_VERSION := 0.1.0
C_SONAME := libpexelize_identity.so.0
C_BUILD := build/c
C_TEST_PREFIX := $(CURDIR)/build/prefix
C_TEST_PKG_CONFIG := PKG_CONFIG_PATH=$(C_TEST_PREFIX)/lib/pkgconfig pkg-config
C_CFLAGS := -std=c11 -Wall -Wextra -Werror -g
C_SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
C_VALGRIND := valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --quiet

.PHONY: deps-c lint-c build-c install install-c-test-prefix test-c \
	test-c-header test-c-unit test-c-cxx test-c-valgrind \
	test-c-sanitize test-c-threads build-c-example test-c-example bench-c \
	demo-prerequisites-c

# CI starts on a fresh machine as root, so missing Debian packages are
# installed here; nothing happens when they are present.
deps-c:
	@missing=""; \
	for package in libssl-dev valgrind pkg-config clang-format g++; do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends $$missing; \
	fi

# C sources in clang-format's default style; the generated header keeps
# cbindgen's layout.
C_FORMATTED := bindings/c/tests/test_pexelize.c bindings/c/tests/test_threads.c \
	bindings/c/bench/bench.c examples/c/verify_identity.c \
	bindings/c/tests/hostile_input.c bindings/c/tests/header_cxx.cpp

lint-c: deps-c
	clang-format --dry-run --Werror $(C_FORMATTED)

build-c:
	$(CARGO) build --release --locked -p pexelize-identity-c

# The cdylib carries the soname $(C_SONAME) (see bindings/c/build.rs); the
# symlinks let the linker find -lpexelize_identity and the loader find the
# soname.
install: build-c
	install -d "$(DESTDIR)$(PREFIX)/include" "$(DESTDIR)$(PREFIX)/lib/pkgconfig"
	install -m 644 bindings/c/include/pexelize_identity.h \
		"$(DESTDIR)$(PREFIX)/include/pexelize_identity.h"
	install -m 755 target/release/libpexelize_identity_c.so \
		"$(DESTDIR)$(PREFIX)/lib/libpexelize_identity.so.$(C_VERSION)"
	ln -sfn libpexelize_identity.so.$(C_VERSION) \
		"$(DESTDIR)$(PREFIX)/lib/$(C_SONAME)"
	ln -sfn $(C_SONAME) "$(DESTDIR)$(PREFIX)/lib/libpexelize_identity.so"
	install -m 644 target/release/libpexelize_identity_c.a \
		"$(DESTDIR)$(PREFIX)/lib/libpexelize_identity.a"
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(C_VERSION)|g' \
		bindings/c/pexelize-identity.pc.in \
		> "$(DESTDIR)$(PREFIX)/lib/pkgconfig/pexelize-identity.pc"

install-c-test-prefix:
	@mkdir -p $(C_BUILD)
	$(MAKE) --no-print-directory install PREFIX=$(C_TEST_PREFIX)

# The test programs link against the installed copy, as users do.
$(C_BUILD)/vectors.h: bindings/c/tests/gen_vectors.py tests/vectors/*.json
	$(PYTHON3) bindings/c/tests/gen_vectors.py tests/vectors $@

C_TEST_SOURCES := bindings/c/tests/test_pexelize.c $(C_BUILD)/vectors.h

test-c-header:
	$(CARGO) test --locked -p pexelize-identity-c

test-c-unit: deps-c install-c-test-prefix $(C_TEST_SOURCES)
	$(CC) $(C_CFLAGS) -I$(C_BUILD) bindings/c/tests/test_pexelize.c \
		$$($(C_TEST_PKG_CONFIG) --cflags --libs pexelize-identity) \
		-o $(C_BUILD)/test_pexelize
	LD_LIBRARY_PATH=$(C_TEST_PREFIX)/lib $(C_BUILD)/test_pexelize

# C++ programs include the same header, inside its extern "C" block.
test-c-cxx: deps-c install-c-test-prefix
	$(CXX) -std=c++17 -Wall -Wextra -Werror bindings/c/tests/header_cxx.cpp \
		$$($(C_TEST_PKG_CONFIG) --cflags --libs pexelize-identity) \
		-o $(C_BUILD)/header_cxx
	LD_LIBRARY_PATH=$(C_TEST_PREFIX)/lib $(C_BUILD)/header_cxx

test-c-valgrind: test-c-unit
	LD_LIBRARY_PATH=$(C_TEST_PREFIX)/lib $(C_VALGRIND) $(C_BUILD)/test_pexelize

# The sanitizer build links the static library, so the shared and the static
# form both run the whole test program.
test-c-sanitize: deps-c install-c-test-prefix $(C_TEST_SOURCES)
	$(CC) $(C_CFLAGS) $(C_SANITIZE) -I$(C_BUILD) \
		bindings/c/tests/test_pexelize.c \
		$$($(C_TEST_PKG_CONFIG) --static --cflags pexelize-identity) \
		$(C_TEST_PREFIX)/lib/libpexelize_identity.a \
		$$($(C_TEST_PKG_CONFIG) --static --libs-only-other --libs-only-l \
			pexelize-identity | sed 's/-lpexelize_identity//') \
		-o $(C_BUILD)/test_pexelize_sanitized
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(C_BUILD)/test_pexelize_sanitized

test-c-threads: deps-c install-c-test-prefix
	$(CC) $(C_CFLAGS) -O2 -pthread bindings/c/tests/test_threads.c \
		$$($(C_TEST_PKG_CONFIG) --cflags --libs pexelize-identity) \
		$$(pkg-config --cflags --libs libcrypto) \
		-o $(C_BUILD)/test_threads
	LD_LIBRARY_PATH=$(C_TEST_PREFIX)/lib $(C_BUILD)/test_threads

# The example builds only through pkg-config, as an application would.
build-c-example: deps-c install-c-test-prefix
	$(CC) $(C_CFLAGS) examples/c/verify_identity.c \
		$$($(C_TEST_PKG_CONFIG) --cflags --libs pexelize-identity) \
		-o $(C_BUILD)/verify_identity

test-c-example: build-c-example
	bash bindings/c/tests/test_example.sh $(C_BUILD)/verify_identity \
		$(C_TEST_PREFIX)/lib

# The bad-input matrix of docs/security.md, checked against OpenSSL.
.PHONY: test-c-hostile
test-c-hostile: deps-c install-c-test-prefix
	$(CC) $(C_CFLAGS) -O1 -pthread bindings/c/tests/hostile_input.c \
		$$($(C_TEST_PKG_CONFIG) --cflags --libs pexelize-identity) \
		$$(pkg-config --cflags --libs libcrypto) \
		-o $(C_BUILD)/hostile_input
	LD_LIBRARY_PATH=$(C_TEST_PREFIX)/lib $(C_BUILD)/hostile_input

test-c: lint-c test-c-header test-c-unit test-c-cxx test-c-valgrind test-c-sanitize \
	test-c-threads test-c-example test-c-hostile

demo-prerequisites-c: build-c-example

bench-c: deps-c install-c-test-prefix
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror bindings/c/bench/bench.c \
		$$($(C_TEST_PKG_CONFIG) --cflags --libs pexelize-identity) \
		$$(pkg-config --cflags --libs libcrypto) -o $(C_BUILD)/bench
	LD_LIBRARY_PATH=$(C_TEST_PREFIX)/lib $(C_BUILD)/bench
	$(CARGO) bench --locked -p pexelize-identity-c --bench compress
