/**
 * The partitioner: annotate (support and reason per node) -> group (Kahn waves, cycle-free)
 * -> cut (segments with boundary tensors). See partition.ts for the options.
 */
export { annotate, type AnnotateOptions } from './annotate.js';
export { cut, boundaryTensor, mergeAdjacent } from './cut.js';
export { dependencies, groupNodes, type Dependencies, type NodeGroup } from './group.js';
export {
  DEFAULT_MIN_BLOCK_SIZE,
  VIEW_OPS,
  blockSizeLimit,
  groupWithMinBlockSize,
  isComputeNode,
  partition,
  type PartitionOptions,
} from './partition.js';
export { nodeReads } from './reads.js';
export type * from './types.js';
