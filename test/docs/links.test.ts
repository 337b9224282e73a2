import * as fs from 'fs';
import * as path from 'path';

/** Every relative link of the README, CONTRIBUTING.md and docs/ leads to a file of the repository, and an anchor to a heading of it. */
const ROOT = path.resolve(__dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function withoutCode(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()]/g, ' '));
}

function anchors(file: string): Set<string> {
  const text = withoutCode(fs.readFileSync(file, 'utf8'));
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1].replace(/`/g, ''))));
}

const FILES = [path.join(ROOT, 'README.md'), path.join(ROOT, 'CONTRIBUTING.md'), ...markdownFiles(path.join(ROOT, 'docs'))];

describe('documentation links', () => {
  test('the README and the guide pages exist', () => {
    expect(FILES.map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining([
      'README.md', 'CONTRIBUTING.md', 'docs/guide/troubleshooting.md', 'docs/guide/deploy-pitfalls.md',
    ]));
  });

  test.each(FILES.map((f) => [path.relative(ROOT, f), f]))('%s: every relative link resolves', (_name, file) => {
    const text = withoutCode(fs.readFileSync(file, 'utf8'));
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
      const [filePart, anchor] = target.split('#');
      const resolved = filePart ? path.resolve(path.dirname(file), filePart) : file;
      if (!fs.existsSync(resolved)) {
        broken.push(`${target}: no such file`);
      } else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) {
        broken.push(`${target}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});
