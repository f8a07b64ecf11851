// Keep the careers cache (snapshots, closed-job state) between Netlify builds, so that each build
// knows what changed, keeps closed-job pages for their retention period and can refuse a source that
// suddenly lost its jobs. Netlify's build cache is reached through `utils.cache`; no dependency.
//
// Restored before the build command; saved only after it succeeded (onPostBuild does not run after
// a failed build), so a failed build never replaces the last good snapshot.

module.exports = {
  async onPreBuild({ inputs, utils }) {
    const restored = await utils.cache.restore(inputs.path);
    console.log(restored ? `careers-cache: restored ${inputs.path}` : `careers-cache: no cached ${inputs.path} yet (first build)`);
  },
  async onPostBuild({ inputs, utils }) {
    const saved = await utils.cache.save(inputs.path);
    console.log(saved ? `careers-cache: saved ${inputs.path}` : `careers-cache: ${inputs.path} missing, nothing saved`);
  },
};
