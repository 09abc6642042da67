/**
 * What the bench scripts share: reading `--name value` flags, and the median of timings.
 *
 * A script that imports this module answers `--help` (or `-h`) with its own header comment,
 * the one place its usage is written, and exits without running anything.
 */
import fs from 'node:fs';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  const script = process.argv[1] ?? '';
  const header = fs.existsSync(script) ? /\/\*\*([\s\S]*?)\*\//.exec(fs.readFileSync(script, 'utf8')) : null;
  const text = header ? header[1]!.replace(/^[ \t]*\* ?/gm, '').trim() : `no usage written in ${script}`;
  console.log(text);
  process.exit(0);
}

/** The value after `--name` on the command line, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** The median (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
