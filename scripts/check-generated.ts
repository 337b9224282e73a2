/**
 * Fails when the build left committed generated files different from what is committed:
 * the projen-managed files, API.md and the generated function classes.
 * Run after compile and docgen (the test task does).
 */
import { execFileSync } from 'child_process';

const GENERATED = [
  'API.md',
  'package.json',
  '.projen',
  '.gitignore',
  '.npmignore',
  '.gitattributes',
  '.eslintrc.json',
  'tsconfig.json',
  'tsconfig.dev.json',
  'test/tsconfig.json',
  'src',
];

// Re-run projen without installing anything, so drift between .projenrc.ts and the committed files shows up.
execFileSync('npx', ['projen', '--no-post'], { stdio: 'inherit' });

const status = execFileSync('git', ['status', '--porcelain', '--', ...GENERATED], { encoding: 'utf8' }).trim();
if (status) {
  console.error('Generated files differ from what is committed (run the build and commit them):');
  console.error(status);
  console.error(execFileSync('git', ['diff', '--stat', '--', ...GENERATED], { encoding: 'utf8' }));
  process.exit(1);
}
console.log('check:generated: API.md, projen files and function classes match the commit');
