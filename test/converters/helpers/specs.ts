/**
 * Shorthands for the one-node converter tests (harness.ts's oneNode, emitted, verdict): a
 * float32 input or output type, and a constant int64 vector input.
 */
import { tensor } from './harness.js';

export const f32 = (shape: number[]) => ['float32', shape] as ['float32', number[]];
export const i64 = (values: number[]) => tensor('int64', [values.length], values);
