/**
 * How generator/ may import itself (checked by `npm run lint:deps`, in CI):
 * the stages form one direction of flow, model ← load ← match ← plan ←
 * render ← write: each stage imports only from the stages before it and from
 * the shared root modules. Commands, sinks and the pipeline sit above the
 * stages and are never imported by them. No cycles anywhere.
 */
const SHARED = '^generator/(diagnostics|timing|hash|package-paths)\\.ts$';
const STAGES = ['model', 'load', 'match', 'plan', 'render', 'write'];

/** A stage may import itself, the stages before it and the shared root modules. */
const stageRules = STAGES.map((stage, i) => ({
  name: `${stage}-imports-only-earlier-stages`,
  comment: `generator/${stage}/ may import only ${['shared root modules', ...STAGES.slice(0, i + 1)].join(', ')}`,
  severity: 'error',
  from: { path: `^generator/${stage}/` },
  to: {
    path: '^generator/',
    pathNot: [SHARED, ...STAGES.slice(0, i + 1).map((s) => `^generator/${s}/`)],
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles make the order of flow unreadable.',
      severity: 'error',
      from: { path: '^(generator|scripts)/' },
      to: { circular: true },
    },
    ...stageRules,
    {
      name: 'shared-modules-import-nothing-of-ours',
      comment: 'The shared root modules are leaves.',
      severity: 'error',
      from: { path: SHARED },
      to: { path: '^generator/' },
    },
    {
      name: 'cli-only-from-the-executable',
      comment: 'The command line is a thin layer over the library: only bin.ts loads it.',
      severity: 'error',
      from: { path: '^generator/', pathNot: ['^generator/cli/', '^generator/bin\\.ts$'] },
      to: { path: '^generator/cli/' },
    },
    {
      name: 'serve-does-not-import-preview',
      comment: 'serve and preview are sinks over the same pipeline; neither builds on the other.',
      severity: 'error',
      from: { path: '^generator/serve/' },
      to: { path: '^generator/preview\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.test\\.ts$', '^dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
