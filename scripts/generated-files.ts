/**
 * Which committed files the build generates, and which of them a working tree has changed: the logic of
 * check-generated.ts, apart so that it can be tested without running the build.
 */

/**
 * Written by projen but not listed in its .projen/files.json (projen manages them in other ways), and API.md,
 * which docgen writes.
 */
export const GENERATED_BESIDES_PROJEN_LIST = ['API.md', 'package.json', '.npmignore'];

/** Every generated, committed file: projen's list (as committed and as just regenerated) and the ones beside it. */
export function generatedFiles(...projenLists: readonly string[][]): string[] {
  return [...new Set([...GENERATED_BESIDES_PROJEN_LIST, ...projenLists.flat()])].sort();
}

/** The files of a projen `files.json` document; none for a missing or unreadable one. */
export function projenListedFiles(filesJson: string | undefined): string[] {
  if (filesJson === undefined) return [];
  try {
    const files = (JSON.parse(filesJson) as { files?: unknown }).files;
    return Array.isArray(files) ? files.filter((file): file is string => typeof file === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The lines of `git status --porcelain` (v1) that name a generated file: the build left it different from the
 * commit. Any other change (an edit in progress in src, a new test) is not the check's business.
 */
export function staleGeneratedFiles(porcelainLines: readonly string[], generated: readonly string[]): string[] {
  const wanted = new Set(generated);
  return porcelainLines.filter((line) => line.trim() !== '').filter((line) => {
    // `XY path` or `XY from -> to` (renames); paths with special characters are quoted.
    const paths = line.slice(3).split(' -> ').map((part) => part.replace(/^"(.*)"$/, '$1'));
    return paths.some((file) => wanted.has(file));
  });
}
