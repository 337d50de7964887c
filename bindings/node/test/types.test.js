"use strict";

// Type-checks a TypeScript file that uses the declared API, so index.d.ts
// cannot drift from what index.js exports.

const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { test } = require("node:test");

const PACKAGE_DIR = path.join(__dirname, "..");

test("declarations cover every export", () => {
  const declarations = fs.readFileSync(
    path.join(PACKAGE_DIR, "index.d.ts"),
    "utf8",
  );
  for (const name of Object.keys(require(".."))) {
    assert.match(
      declarations,
      new RegExp(`export declare (class|function) ${name}\\b`),
      name,
    );
  }
});

test("usage example type-checks", () => {
  const tsc = path.join(
    PACKAGE_DIR,
    "node_modules",
    "typescript",
    "bin",
    "tsc",
  );
  const args = [
    tsc,
    "--noEmit",
    "--strict",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--target",
    "es2022",
    "--types",
    "node",
    path.join(__dirname, "types", "usage.ts"),
  ];
  try {
    execFileSync(process.execPath, args, { encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    assert.fail(`tsc reported errors:\n${error.stdout}${error.stderr}`);
  }
});
