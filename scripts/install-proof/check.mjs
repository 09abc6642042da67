// Run by scripts/test-install.sh inside an empty project that installed hybridrt's tarball
// (copied there, so that 'hybridrt' resolves from that project's node_modules). Compiles the
// model, runs it on a fixed input, runs onnxruntime-node alone on the same input, prints one
// JSON line (backend, segment counts, the worst error relative to the reference's largest
// magnitude, compile()'s warnings), and exits 1 where the install did not give what EXPECT says:
//   engines      backend 'cpu': engine segments ran, outputs within 1e-4 of onnxruntime's
//                (fp32 cpu kernels sum in another order), and no warning;
//   onnxruntime  backend 'auto': no engine segment, outputs within 1e-5, and one warning that
//                says engines are unavailable, naming the platform package and the build command.
//
//   node check.mjs MODEL INPUT_NAME DIMS EXPECT     (DIMS: 1x3x64x64)
import { compile, Tensor } from 'hybridrt';
import ort from 'onnxruntime-node';

const [model, inputName, dimsText, expect] = process.argv.slice(2);
const dims = dimsText.split('x').map(Number);
const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i * 0.37));
const warnings = [];
const compiled = await compile(model, {
  inputs: { [inputName]: dims },
  backend: expect === 'engines' ? 'cpu' : 'auto',
  onLog: (m, level) => level === 'warn' && warnings.push(m),
});
const out = await compiled.run({ [inputName]: new Tensor('float32', data, dims) });
const session = await ort.InferenceSession.create(model);
const ref = await session.run({ [inputName]: new ort.Tensor('float32', data, dims) });
let relError = 0;
for (const [name, expected] of Object.entries(ref)) {
  const a = out[name].data;
  const b = expected.data;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  relError = Math.max(relError, Number.isNaN(diff) ? Infinity : diff / Math.max(scale, 1e-30));
}
const s = compiled.report.data.summary;
const result = {
  backend: compiled.backend,
  engineSegments: s.engineSegments,
  fallbackSegments: s.fallbackSegments,
  engineNodes: s.engineNodes,
  relError,
  warnings,
};
console.log(JSON.stringify(result));
await compiled.dispose();

const failures = [];
if (expect === 'engines') {
  if (result.backend !== 'cpu') failures.push(`backend ${result.backend}, expected cpu`);
  if (!(result.engineSegments >= 1 && result.engineNodes >= 1)) failures.push('no engine segment ran');
  if (!(relError <= 1e-4)) failures.push(`outputs differ from onnxruntime's by ${relError} (relative), more than 1e-4`);
  if (warnings.length) failures.push(`unexpected warnings: ${warnings.join(' | ')}`);
} else if (expect === 'onnxruntime') {
  if (result.engineSegments !== 0) failures.push(`${result.engineSegments} engine segments without an addon`);
  if (!(relError <= 1e-5)) failures.push(`outputs differ from onnxruntime's by ${relError} (relative), more than 1e-5`);
  const notice =
    /^engines are unavailable, so every segment runs on onnxruntime: native addon not found: the prebuilt addon for this platform \(@hybridrt\/[a-z0-9-]+\) is not installed.*npm rebuild hybridrt --build-from-source/;
  if (warnings.length !== 1 || !notice.test(warnings[0])) failures.push(`expected the one no-engines warning, got: ${JSON.stringify(warnings)}`);
} else {
  failures.push(`unknown EXPECT '${expect}' (engines or onnxruntime)`);
}
for (const f of failures) console.error(`check: ${f}`);
process.exitCode = failures.length ? 1 : 0;
