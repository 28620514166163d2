import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.switchyard/**', 'coverage/**', 'schemas/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', structuredClone: 'readonly', Buffer: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='eval']", message: 'eval is never allowed' }, { selector: "NewExpression[callee.name='Function']", message: 'new Function is never allowed' }],
    },
  },
  {
    // The engine-agnostic core never imports an engine SDK; adapters are loaded lazily through the registry.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@langchain/*', 'llamaindex', '@llamaindex/*', 'openai', 'bree', 'pg', 'unpdf', 'html-to-text', 'csv-parse'], message: 'engine SDKs belong in adapters/<engine>/' },
        { group: ['../adapters/*', '../../adapters/*', '../../../adapters/*'], message: 'the core reaches adapters only through the registry (src/builtin-adapters.ts)' },
      ] }],
    },
  },
  { files: ['src/builtin-adapters.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    // pg is the PostgreSQL run store's driver (as better-sqlite3 is SQLite's), not an engine SDK: this one file may
    // import its types, and loads it only lazily with import() when a PostgreSQL store is opened. A value import of
    // pg stays an error here too; the boundary test (test/unit/boundary.test.ts) checks the same.
    files: ['src/store/postgres.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@langchain/*', 'llamaindex', '@llamaindex/*', 'openai', 'bree', 'unpdf', 'html-to-text', 'csv-parse'], message: 'engine SDKs belong in adapters/<engine>/' },
        { group: ['../adapters/*', '../../adapters/*', '../../../adapters/*'], message: 'the core reaches adapters only through the registry (src/builtin-adapters.ts)' },
      ] }],
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'pg', allowTypeImports: true, message: 'load pg lazily with import() inside openPostgresRunStore; import only its types statically' }] }],
    },
  },
  {
    // An adapter reaches the core only through the adapter kit, and never another adapter: any adapter folder
    // could be published on its own. The boundary test (test/unit/boundary.test.ts) checks the same.
    files: ['adapters/**/*.ts'],
    ignores: ['adapters/llamaindex/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: '^(\\.\\./)+(src|adapters)/', message: 'import the core through switchyard/adapter-kit' },
        { regex: '^\\.\\./\\.\\./(agno|langgraph|llamaindex|prefect)(/|$)', message: 'an adapter never imports another adapter' },
        { regex: '^switchyard(/(agno|langgraph|llamaindex|prefect|testing))?$', message: 'adapters import only switchyard/adapter-kit' },
        { regex: '^(llamaindex|@llamaindex/[^/]+)(/.*)?$', message: 'import LlamaIndex only inside adapters/llamaindex/ (use defineWorkflow from switchyard/llamaindex)' },
      ] }],
    },
  },
  {
    files: ['adapters/llamaindex/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: '^(\\.\\./)+(src|adapters)/', message: 'import the core through switchyard/adapter-kit' },
        { regex: '^switchyard(/(agno|langgraph|llamaindex|prefect|testing))?$', message: 'adapters import only switchyard/adapter-kit' },
      ] }],
    },
  },
  {
    // LlamaIndex's TS packages are deprecated upstream (pinned): every import of them stays in adapters/llamaindex/.
    files: ['**/*.ts', '**/*.mts'],
    ignores: ['src/**', 'adapters/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(llamaindex|@llamaindex/[^/]+)(/.*)?$', message: 'import LlamaIndex only inside adapters/llamaindex/ (use defineWorkflow from switchyard/llamaindex)' }] }],
    },
  },
);
