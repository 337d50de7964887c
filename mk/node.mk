# The Node package (bindings/node) and the Express example (examples/express).
#   make build-node         installs npm dependencies and builds the addon
#   make lint-node          checks the JS formatting with prettier
#   make test-node          lints and builds, then runs both Node test suites
#   make bench-node         runs the Node benchmark

NODE_DIR := bindings/node
EXPRESS_DIR := examples/express
# The napi CLI writes the addon and its generated loader here; the loader and
# declarations must match the committed ones, so a stale copy fails the build.
NODE_BUILD_DIR := $(CURDIR)/target/node-addon
NPM_FLAGS := --no-audit --no-fund

PRETTIER := $(NODE_DIR)/node_modules/.bin/prettier

.PHONY: build-node lint-node test-node bench-node demo-prerequisites-node

# npm ci runs again only when the lock file is newer than the last install.
$(NODE_DIR)/node_modules/.install-stamp: $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci $(NPM_FLAGS)
	touch $@

$(EXPRESS_DIR)/node_modules/.install-stamp: $(EXPRESS_DIR)/package-lock.json
	cd $(EXPRESS_DIR) && npm ci $(NPM_FLAGS)
	touch $@

build-node: $(NODE_DIR)/node_modules/.install-stamp
	cd $(NODE_DIR) && npx napi build --platform --release \
		--output-dir $(NODE_BUILD_DIR) --js native.js --dts native.d.ts
	@# A rename leaves processes that have the old addon loaded intact, where
	@# cp would rewrite the mapped file under them and crash them with SIGBUS.
	@for addon in $(NODE_BUILD_DIR)/*.node; do \
		target=$(NODE_DIR)/$$(basename $$addon); \
		cmp -s $$addon $$target || { cp $$addon $$target.tmp && mv $$target.tmp $$target; }; \
	done
	@for file in native.js native.d.ts; do \
		diff -u $(NODE_DIR)/$$file $(NODE_BUILD_DIR)/$$file || { \
			echo "$(NODE_DIR)/$$file is out of date; copy it from $(NODE_BUILD_DIR)"; exit 1; }; \
	done

# Prettier with its default settings, as the JS style of the project.
lint-node: $(NODE_DIR)/node_modules/.install-stamp
	cd $(NODE_DIR) && node_modules/.bin/prettier --check index.js index.mjs index.d.ts test bench scripts package.json
	$(PRETTIER) --check $(EXPRESS_DIR)/app.js $(EXPRESS_DIR)/server.js $(EXPRESS_DIR)/test $(EXPRESS_DIR)/package.json

test-node: lint-node build-node $(EXPRESS_DIR)/node_modules/.install-stamp
	cd $(NODE_DIR) && node --test test/
	cd $(EXPRESS_DIR) && node --test test/

bench-node: build-node
	cd $(NODE_DIR) && node bench/bench.js

demo-prerequisites-node: build-node $(EXPRESS_DIR)/node_modules/.install-stamp
