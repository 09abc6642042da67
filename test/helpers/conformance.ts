/**
 * Where the ONNX backend test data lives: $ONNX_CONFORMANCE_DIR, else ../shared/onnx-conformance
 * beside the repository. Tests that need it skip with a message when it is absent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function conformanceDir(): string | undefined {
  const candidates = [process.env.ONNX_CONFORMANCE_DIR, path.join(repoRoot, '..', 'shared', 'onnx-conformance')];
  for (const c of candidates) if (c && fs.existsSync(path.join(c, 'node'))) return c;
  return undefined;
}

/** The reason to print when the data is missing. */
export const CONFORMANCE_MISSING = 'ONNX conformance data not found: set ONNX_CONFORMANCE_DIR or place it at ../shared/onnx-conformance';

export interface NodeTestCase {
  name: string;
  dir: string;
  model: string;
  /** test_data_set_* folders, each with input_*.pb and output_*.pb. */
  dataSets: string[];
}

/** The suites laid out as node/ is: <suite>/<folder>/model.onnx beside test_data_set_* folders. */
export const MODEL_SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'] as const;
export type ModelSuite = (typeof MODEL_SUITES)[number];

/** The folders of `suite` that hold a model.onnx, sorted by name, named by `name(folder)`. */
function testFolders(root: string, suite: ModelSuite, name: (folder: string) => string): NodeTestCase[] {
  const base = path.join(root, suite);
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base)
    .sort()
    .map((folder) => {
      const dir = path.join(base, folder);
      const dataSets = fs.statSync(dir).isDirectory()
        ? fs
            .readdirSync(dir)
            .filter((d) => d.startsWith('test_data_set_'))
            .sort()
            .map((d) => path.join(dir, d))
        : [];
      return { name: name(folder), dir, model: path.join(dir, 'model.onnx'), dataSets };
    })
    .filter((t) => fs.existsSync(t.model));
}

/** Every node test folder (node/test_*), sorted by name; named by the folder alone. */
export function nodeTests(root = conformanceDir()): NodeTestCase[] {
  return root ? testFolders(root, 'node', (folder) => folder) : [];
}

/** Every test folder of one suite, sorted by name; named '<suite>/<folder>'. */
export function suiteTests(suite: ModelSuite, root = conformanceDir()): NodeTestCase[] {
  return root ? testFolders(root, suite, (folder) => `${suite}/${folder}`) : [];
}

/** Every model.onnx / *.onnx under the conformance folder. */
export function allConformanceModels(root = conformanceDir()): string[] {
  if (!root) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.onnx')) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/** The light_* real-model structures: model path and expected output file. */
export function lightModels(root = conformanceDir()): Array<{ name: string; model: string; output: string }> {
  if (!root) return [];
  const base = path.join(root, 'light');
  return fs
    .readdirSync(base)
    .filter((f) => f.endsWith('.onnx'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.onnx$/, ''),
      model: path.join(base, f),
      output: path.join(base, f.replace(/\.onnx$/, '_output_0.pb')),
    }));
}
