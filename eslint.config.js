// ESLint (flat config) with typescript-eslint, and the import rules the layout promises:
// services → packages, never the other way; the domain imports nothing but itself; nobody
// reaches into another workspace's test/ or src/ by a relative path; no import cycles.
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const otherWorkspaceByPath = {
  group: ['**/packages/*/src/**', '**/packages/*/test/**', '**/services/*/src/**', '**/services/*/test/**'],
  message: 'Import another workspace by its package name (@cco/...), not by a relative path into its folders.',
};
const packagesNeverImportServices = {
  group: [
    '@cco/api',
    '@cco/audit',
    '@cco/relay',
    '@cco/projections-service',
    '@cco/simulator',
    '@cco/analytics-consumer',
    '@cco/witness',
    '**/services/**',
  ],
  message: 'Packages never import services.',
};
// The simulator is a development tool that draws its seeded random from the kit; nothing that
// ships in the service bundle may import test data.
const testkitOutOfProduction = {
  group: ['@cco/testkit', '@cco/testkit/**'],
  message: 'Production code never imports the test kit (it would land in the service bundle).',
};
const productionSources = { ignores: ['packages/domain/**', 'packages/testkit/**', 'services/simulator/**'] };

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', '.tools/**', 'coverage/**', 'test/support/kafka/build/**', 'openapi/**'] },
  ...tseslint.configs.recommended,
  importX.flatConfigs.typescript,
  {
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })] },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['packages/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.{1,2}/|vitest$)',
              message: 'The domain imports nothing outside itself (no infrastructure, no other workspace).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/**/*.ts'],
    ignores: ['packages/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [packagesNeverImportServices, otherWorkspaceByPath],
        },
      ],
    },
  },
  {
    files: ['services/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [otherWorkspaceByPath] }] },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    ...productionSources,
    rules: {
      'no-restricted-imports': ['error', { patterns: [packagesNeverImportServices, otherWorkspaceByPath, testkitOutOfProduction] }],
    },
  },
  {
    files: ['services/*/src/**/*.ts'],
    ...productionSources,
    rules: { 'no-restricted-imports': ['error', { patterns: [otherWorkspaceByPath, testkitOutOfProduction] }] },
  },
);
