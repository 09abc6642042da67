// Differential on the cpu backend (test/helpers/differential-suite.ts; test/gpu/differential.test.ts
// runs it on cuda): the hybrid executor against onnxruntime alone with fallbacks forced at random.
//
// Tolerance: max |hybrid - ort| / max |ort| <= 1e-5 per output, in fp32. Each seed also checks
// that compile() warns of nothing, that the run's boundary traffic is what the partition report
// predicted and that there are fallback segments; each model, that its seeds made more
// boundaries than there are seeds.
//
// The examples get many seeds; the light_* models a few each.
import { CONFORMANCE_MISSING } from '../helpers/conformance.js';
import { type DifferentialCase, type DifferentialOptions, differentialCases, differentialSuite, seedRange } from '../helpers/differential-suite.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

const { examples, light } = differentialCases({
  resnet: seedRange(1, 12),
  transformer: seedRange(101, 16),
  // vgg19's 224x224 convolutions make it the slowest by far: one seed.
  light: (name) => (name.includes('vgg') ? [7] : [7, 8]),
});

const CPU: DifferentialOptions = {
  backend: 'cpu',
  tolerance: 1e-5,
  compile: { threads: 1 },
  boundaries: 'more than one per seed',
  checkReport: true,
  checkHandovers: false,
};

function suite(title: string, cases: DifferentialCase[]) {
  describeIf(HAS_NATIVE && cases.length > 0, title, HAS_NATIVE ? CONFORMANCE_MISSING : NATIVE_MISSING, () => differentialSuite(cases, CPU));
}

suite('differential: examples with random forced fallbacks', examples);
suite('differential: light_* models with random forced fallbacks', light);
