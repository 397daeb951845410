/**
 * The layer rules of src/ (README "Architecture" and the README.md of each src/ folder), checked by test/architecture/dependencies.test.ts
 * on every `npm test`.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend on each other in one direction only.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'text-stands-alone',
      comment: 'src/text/ (folding, tokenising, fuzzy index) imports nothing else of the project.',
      severity: 'error',
      from: { path: '^src/text/' },
      to: { path: '^src/', pathNot: '^src/text/' },
    },
    {
      name: 'domain-and-text-are-pure',
      comment: 'Domain rules and text helpers are pure functions of data: no channels, HTTP, storage or configuration.',
      severity: 'error',
      from: { path: '^src/(domain|text)/' },
      to: { path: '^src/(channels|http|storage)/|^src/config\\.ts$' },
    },
    {
      name: 'channels-know-no-policy',
      comment: 'A channel adapter knows its platform, nothing about poverty policy: no domain rules.',
      severity: 'error',
      from: { path: '^src/channels/' },
      to: { path: '^src/domain/' },
    },
    {
      name: 'services-know-no-http',
      comment: 'Services, skills, the engine and the loaders throw AppError codes; only http/ and plugins/ know HTTP.',
      severity: 'error',
      from: { path: '^src/(announcements|citizens|content|domain|engine|handoff|nlu|privacy|retention|skills|staff|text)/' },
      to: { path: '^src/(http|plugins)/' },
    },
    {
      name: 'content-is-data',
      comment: 'The content loaders build data for the others and import no engine, skill, channel or storage.',
      severity: 'error',
      from: { path: '^src/content/' },
      to: { path: '^src/(engine|skills|channels|storage)/' },
    },
    {
      name: 'only-the-storage-choice-wires-adapters',
      comment:
        'Only src/storage/index.ts picks the storage adapter (lowdb/ or postgres/) for the composition root; ' +
        'src/storage/migrate-data.ts copies the one into the other.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/storage/(index|migrate-data)\\.ts$|^src/storage/(lowdb|postgres)/' },
      to: { path: '^src/storage/(lowdb|postgres)/' },
    },
    {
      name: 'adapters-stand-apart',
      comment: 'A storage adapter uses only its own files and the shared storage ones (records, interfaces, errors).',
      severity: 'error',
      from: { path: '^src/storage/(lowdb|postgres)/' },
      to: { path: '^src/storage/(lowdb|postgres)/', pathNot: '^src/storage/$1/' },
    },
    {
      name: 'only-the-root-wires-job-queues',
      comment: 'Only the composition root (src/app.ts) picks the PostgreSQL job queue (src/jobs/pg-boss-queue.ts).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/app\\.ts$' },
      to: { path: '^src/jobs/pg-boss-queue\\.ts$' },
    },
    {
      name: 'only-the-root-wires-shared-state',
      comment: 'Only the composition root (src/app.ts) picks Redis for the state instances share (src/shared-state).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/app\\.ts$|^src/shared-state/' },
      to: { path: '^src/shared-state/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
