/**
 * Compiles every TypeScript example of the guide (docs/guide/*.md) under `jsii-rosetta --strict`, exactly as
 * `check:rosetta` compiles the README's: same compiler, same fixtures (rosetta/*.ts-fixture), against the compiled
 * library (lib/, so run after `projen compile`).
 *
 * `jsii-rosetta extract` reads the snippets of an assembly (its readme and its types' docs), not of loose markdown
 * files, and it compiles them against the package found in the assembly's directory. So this script writes a copy of
 * the assembly into dist/rosetta-guide whose readme is the guide pages one after the other (and whose types carry no
 * docs: the README check already compiles those), beside the package's package.json, a link to lib/ and the
 * fixtures, then runs rosetta there (and removes the copy). Rosetta names a snippet by its line in that readme; the output is rewritten to
 * the guide page and line.
 *
 * Usage: check-guide-examples.ts [pages directory, default docs/guide]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const pagesDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'docs', 'guide'));
const workDir = path.join(ROOT, 'dist', 'rosetta-guide');

interface Page { readonly file: string; readonly firstLine: number; readonly lines: number }

const pages: Page[] = [];
const parts: string[] = [];
let nextLine = 1;
for (const name of fs.readdirSync(pagesDir).filter((f) => f.endsWith('.md')).sort()) {
  const text = fs.readFileSync(path.join(pagesDir, name), 'utf8').replace(/\n*$/, '\n');
  const lines = text.split('\n').length - 1;
  pages.push({ file: path.relative(ROOT, path.join(pagesDir, name)), firstLine: nextLine, lines });
  parts.push(text, '\n');
  nextLine += lines + 1;
}
const markdown = parts.join('');
const examples = (markdown.match(/^```(ts|typescript)\b/gm) ?? []).length;
if (examples === 0) {
  console.error(`check:guide: no TypeScript example in ${path.relative(ROOT, pagesDir)}: nothing would be checked`);
  process.exit(1);
}

if (!fs.existsSync(path.join(ROOT, 'lib', 'index.d.ts')) || !fs.existsSync(path.join(ROOT, '.jsii'))) {
  console.error('check:guide: lib/ or .jsii is missing: run `npx projen compile` first');
  process.exit(1);
}
const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));
assembly.readme = { markdown };
assembly.types = {};
for (const submodule of Object.values<{ readme?: unknown }>(assembly.submodules ?? {})) delete submodule.readme;

fs.rmSync(workDir, { recursive: true, force: true });
fs.mkdirSync(workDir, { recursive: true });
fs.writeFileSync(path.join(workDir, '.jsii'), JSON.stringify(assembly));
fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(workDir, 'package.json'));
fs.cpSync(path.join(ROOT, 'rosetta'), path.join(workDir, 'rosetta'), { recursive: true });
fs.symlinkSync(path.relative(workDir, path.join(ROOT, 'lib')), path.join(workDir, 'lib'), 'dir');

/** `README-L<n>` (a line of the concatenated readme) as `docs/guide/<page>.md:<line>`. */
function where(line: number): string {
  const page = pages.find((p) => line >= p.firstLine && line < p.firstLine + p.lines);
  return page ? `${page.file}:${line - page.firstLine + 1}` : `line ${line}`;
}

const rosetta = path.join(ROOT, 'node_modules', '.bin', 'jsii-rosetta');
const result = spawnSync(rosetta, ['extract', '--strict', '--fail', '.jsii'], { cwd: workDir, encoding: 'utf8' });
// Removed again: a second package.json under the repository would collide with the real one in jest's module map.
fs.rmSync(workDir, { recursive: true, force: true });
const output = `${result.stdout}${result.stderr}`
  .split('\n').filter((l) => !l.startsWith('!!')).join('\n')
  .replace(/[\w.-]*README-L(\d+)(\.ts)?/g, (_m, line: string) => where(Number(line)));
if (result.status !== 0) {
  console.error(output.trim());
  console.error(`check:guide: an example of ${path.relative(ROOT, pagesDir)} does not compile (see above)`);
  process.exit(1);
}
console.log(`check:guide: ${examples} TypeScript examples in ${pages.length} pages compiled under jsii-rosetta --strict`);
