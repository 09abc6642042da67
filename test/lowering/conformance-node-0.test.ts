// Conformance node tests (shard 0 of 2, so that the two halves run side by side): each model
// lowered, then compared with the original on onnxruntime using the test's inputs (see
// node-conformance.ts for the tolerances and what is not compared).
import { nodeConformanceShard } from './node-conformance.js';

nodeConformanceShard(0, 2);
