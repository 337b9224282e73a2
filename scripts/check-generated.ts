/**
 * Fails when the build left committed generated files different from what is committed: the projen-managed files,
 * API.md and the generated function classes. Only those: any other uncommitted change (an edit in progress in src)
 * is left alone. Run after compile and docgen (the test task does).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { generatedFiles, projenListedFiles, staleGeneratedFiles } from './generated-files';

const PROJEN_LIST = '.projen/files.json';

function committed(file: string): string | undefined {
  try {
    return execFileSync('git', ['show', `HEAD:${file}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

// Re-run projen without installing anything, so drift between .projenrc.ts and the committed files shows up.
execFileSync('npx', ['projen', '--no-post'], { stdio: 'inherit' });

// The list as committed too: a file projen stopped generating (and deleted) is a change as well.
const generated = generatedFiles(projenListedFiles(committed(PROJEN_LIST)), projenListedFiles(fs.readFileSync(PROJEN_LIST, 'utf8')));
const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', ...generated], { encoding: 'utf8' });
const stale = staleGeneratedFiles(status.split('\n'), generated);
if (stale.length > 0) {
  console.error('Generated files differ from what is committed (run the build and commit them):');
  console.error(stale.join('\n'));
  console.error(execFileSync('git', ['diff', '--stat', '--', ...generated], { encoding: 'utf8' }));
  process.exit(1);
}
console.log(`check:generated: the ${generated.length} generated files (API.md, projen files, function classes) match the commit`);
