"use strict";

// Packs the package with npm, installs the tarball into a fresh project
// without network access, and uses it there with require and import.

const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { test } = require("node:test");

const PACKAGE_DIR = path.join(__dirname, "..");
const NPM_FLAGS = ["--offline", "--no-audit", "--no-fund", "--loglevel=error"];

function run(command, args, cwd) {
  return execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

test("npm pack installs and works in a fresh project", () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pexelize-pack-"));
  try {
    const packed = JSON.parse(
      run(
        "npm",
        ["pack", "--json", "--pack-destination", workDir, ...NPM_FLAGS],
        PACKAGE_DIR,
      ),
    );
    const files = packed[0].files.map((file) => file.path);
    for (const required of [
      "index.js",
      "index.mjs",
      "index.d.ts",
      "native.js",
      "package.json",
    ]) {
      assert.ok(files.includes(required), `${required} missing from ${files}`);
    }
    assert.ok(
      files.some((file) => file.endsWith(".node")),
      "no native addon in the tarball",
    );
    assert.ok(
      !files.some(
        (file) => file.startsWith("src/") || file.startsWith("test/"),
      ),
    );

    const project = path.join(workDir, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({
        name: "fresh-project",
        version: "1.0.0",
        private: true,
      }),
    );
    run(
      "npm",
      ["install", path.join(workDir, packed[0].filename), ...NPM_FLAGS],
      project,
    );

    const expected = crypto
      .createHmac("sha256", "key")
      .update("user_123")
      .digest("hex");
    const viaRequire = run(
      "node",
      [
        "-e",
        `
      const { Keyring, generateIdentitySignature } = require('pexelize-identity')
      const keyring = new Keyring({ current: 'key' })
      if (!keyring.verify({ userId: 'user_123', signature: keyring.sign('user_123') }).valid) process.exit(1)
      process.stdout.write(generateIdentitySignature('user_123', 'key'))
    `,
      ],
      project,
    );
    assert.equal(viaRequire, expected);

    const viaImport = run(
      "node",
      [
        "--input-type=module",
        "-e",
        `
      import { Keyring, IdentityError } from 'pexelize-identity'
      import identity from 'pexelize-identity'
      const keyring = new Keyring({ current: 'key' })
      try { keyring.assertValid({ userId: 'user_123', signature: 'x' }) } catch (error) {
        if (!(error instanceof identity.IdentityError) || !(error instanceof IdentityError)) process.exit(2)
      }
      process.stdout.write(keyring.sign('user_123'))
    `,
      ],
      project,
    );
    assert.equal(viaImport, expected);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
});

test("missing addon fails clearly", () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pexelize-noaddon-"));
  try {
    // A copy of the package as a fresh clone has it: sources, no addon.
    const copy = path.join(workDir, "package");
    fs.mkdirSync(path.join(copy, "scripts"), { recursive: true });
    for (const file of [
      "package.json",
      "index.js",
      "index.mjs",
      "index.d.ts",
      "native.js",
      "native.d.ts",
      path.join("scripts", "check-addon.js"),
    ]) {
      fs.copyFileSync(path.join(PACKAGE_DIR, file), path.join(copy, file));
    }
    assert.throws(
      () =>
        run("npm", ["pack", "--pack-destination", workDir, ...NPM_FLAGS], copy),
      (error) => {
        assert.notEqual(error.status, 0);
        assert.match(error.stderr, /no native addon/);
        assert.match(error.stderr, /Run make build-node first/);
        return true;
      },
    );
    const tarballs = fs
      .readdirSync(workDir)
      .filter((name) => name.endsWith(".tgz"));
    assert.deepEqual(tarballs, []);

    // Linked with file: before a build, require names the fix as well.
    assert.throws(
      () => run("node", ["-e", "require('./')"], copy),
      (error) => {
        // The loader's message may follow as the cause, but not first.
        const thrown = error.stderr.match(/^Error: .*$/m)?.[0] ?? "";
        assert.match(thrown, /native addon \(\*\.node\) is missing/);
        assert.match(thrown, /make build-node/);
        return true;
      },
    );
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
});
