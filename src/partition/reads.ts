/**
 * The values a node reads: its explicit inputs plus the outer-scope values its subgraph
 * attributes (If/Loop/Scan bodies) use without listing them. The partitioner must see both,
 * or a segment holding an If could run before the segment producing what its branches read.
 * The IR defines it (src/ir/extract.ts); re-exported here for the partitioner's users.
 */
export { nodeReads } from '../ir/extract.js';
