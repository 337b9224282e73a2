/**
 * Fails when `npm pack` would ship a package missing a bundled handler, the compiled library or the jsii manifest.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

function handlerSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return handlerSources(full);
    return entry.name.endsWith('.lambda.ts') ? [full] : [];
  });
}

const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }));
const files = new Set<string>(packed[0].files.map((f: { path: string }) => f.path));

const expected = handlerSources('src').map((source) => {
  const relative = path.relative('src', source).replace(/\.ts$/, '');
  return `assets/${relative}/index.js`;
});
expected.push('lib/index.js', 'lib/index.d.ts', '.jsii', 'README.md', 'LICENSE');

const missing = expected.filter((file) => !files.has(file));
const leaked = [...files].filter((file) => /^(src|test|scripts|demo|bench|examples|tools|\.venv)\//.test(file) || file.endsWith('.lambda.js'));
if (missing.length || leaked.length) {
  if (missing.length) console.error(`npm pack is missing: ${missing.join(', ')}`);
  if (leaked.length) console.error(`npm pack ships files it should not: ${leaked.join(', ')}`);
  process.exit(1);
}
const handlers = expected.filter((f) => f.startsWith('assets/'));
console.log(`check:package: ${files.size} files, ${handlers.length} bundled handlers: ${handlers.join(', ')}`);
