// The Netlify build plugin that keeps .careers-cache between builds: restore before the build
// command, save after it. Netlify injects `utils.cache`; a recording stand-in plays it here.
// Run: node --test tests/relay/*.test.mjs

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const plugin = require("../../netlify/plugins/careers-cache/index.js");

function recordingUtils(answer) {
  const calls = [];
  return {
    calls,
    utils: {
      cache: {
        restore: async (path) => (calls.push(["restore", path]), answer),
        save: async (path) => (calls.push(["save", path]), answer),
      },
    },
  };
}

test("the manifest names the plugin and defaults its path to .careers-cache", () => {
  const manifest = readFileSync(new URL("../../netlify/plugins/careers-cache/manifest.yml", import.meta.url), "utf8");
  assert.match(manifest, /^name: careers-cache$/m);
  assert.match(manifest, /^\s+default: \.careers-cache$/m);
});

test("the cache is restored before the build and saved after it", async () => {
  const { calls, utils } = recordingUtils(true);
  await plugin.onPreBuild({ inputs: { path: ".careers-cache" }, utils });
  await plugin.onPostBuild({ inputs: { path: ".careers-cache" }, utils });
  assert.deepEqual(calls, [
    ["restore", ".careers-cache"],
    ["save", ".careers-cache"],
  ]);
});

test("only the post-build hook saves: a failed build (which skips onPostBuild) keeps the old cache", () => {
  assert.deepEqual(Object.keys(plugin).sort(), ["onPostBuild", "onPreBuild"]);
});
