/**
 * The hybrid executor: HybridModel and what it runs on (tensor store, schedule, segment
 * runners, context pools). compile() (src/compiler) builds it.
 */
export { HybridModel, type DeviceOutputs, type HybridModelParts, type ModelRunOptions, type Outputs } from './hybrid-model.js';
export { type FeedValue, type Feeds, normalizeFeeds, normalizeRunFeeds } from './feeds.js';
export { ContextPool, DEFAULT_MAX_CONTEXTS } from './context-pool.js';
export { type Schedule, type ScheduledSegment, makeSchedule } from './schedule.js';
export { EngineSegment, FallbackSegment, type SegmentIO, type SegmentRunner } from './segments.js';
export { type DeviceTensor, TensorStore, tensorBytes } from './tensor-store.js';
export type * from './types.js';
