/**
 * Group: splits the nodes into an ordered list of engine and fallback groups such that every
 * node's producers lie in its own group or an earlier one. Hence the groups, run in order,
 * never need a value from a later group, and no set of groups forms a cycle.
 *
 * The algorithm is ONNX Runtime's (core/providers/partitioning_utils.cc): walk the graph with
 * Kahn's topological sort, keeping two queues of ready nodes (all producers done), one for
 * supported and one for unsupported nodes, and alternate two phases:
 *   1. fallback phase: pop unsupported nodes until that queue is empty; each one popped may
 *      make further nodes ready, which join their queue (unsupported ones are popped in this
 *      same phase, supported ones wait);
 *   2. engine phase: the same with the supported queue; the nodes popped form one group.
 * Each phase's nodes become one group, and the phases repeat until both queues are empty.
 *
 * Why no group can need its own output through another group: suppose a node n of group G
 * reads a value from a node p outside G, and p (directly or through others) reads an output
 * of some node m of G. Kahn's order pops p after m, and n after p. m and n are both popped
 * during G's phase, so p is popped during it too; but a phase pops only nodes of its own kind
 * and every node it pops joins G, so p would be in G — a contradiction. The same argument
 * gives the stronger property the executor relies on: a node's producers are popped before
 * it, so they lie in its group or an earlier one.
 *
 * A node whose outputs' sizes depend on the data (`ends`: NonZero) ends its engine group: a
 * node that reads it and becomes ready in the same engine phase waits for the next engine
 * phase, which follows at once when no fallback node is ready. Its engine then ends at it (the
 * engine reports the size after the run), and only later groups read it. Nodes only wait, so
 * the order and the argument above are unchanged.
 *
 * Each phase runs until its queue is empty, so a group is as large as the order allows: a
 * supported node that could run before the next unsupported one joins the current engine.
 * The greedy choice is not always the fewest segments (that problem is NP-hard in general),
 * but it is linear in nodes + edges, deterministic, and cycle-free by construction.
 */
import { HybridError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { nodeReads } from './reads.js';
import type { SegmentKind } from './types.js';

/** Node-to-node dependencies by index into `graph.nodes`. */
export interface Dependencies {
  /** users[i]: the distinct nodes that read an output of node i. */
  users: number[][];
  /** preds[i]: how many distinct nodes node i reads from. */
  preds: number[];
}

export interface NodeGroup {
  kind: SegmentKind;
  /** Indices into `graph.nodes`, ascending (the graph's topological order). */
  nodes: number[];
  /** Nodes of the next group of this kind read a data-dependent output of this one: the two stay apart (cut.ts). */
  closed?: boolean;
}

export function dependencies(graph: Graph): Dependencies {
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const users: number[][] = graph.nodes.map(() => []);
  const preds = graph.nodes.map((n, i) => {
    const from = new Set<number>();
    for (const v of nodeReads(n)) {
      const p = producer.get(v);
      if (p !== undefined && p !== i) from.add(p);
    }
    for (const p of from) users[p]!.push(i);
    return from.size;
  });
  return { users, preds };
}

/**
 * Groups the nodes of `graph` (see the header for the algorithm). `supported(i)` says whether
 * node i may go to an engine. Throws MODEL_INVALID if the graph has a cycle.
 */
export function groupNodes(
  graph: Graph,
  supported: (index: number) => boolean,
  deps = dependencies(graph),
  ends: (index: number) => boolean = () => false,
): NodeGroup[] {
  const remaining = [...deps.preds];
  const ready: Record<SegmentKind, number[]> = { engine: [], fallback: [] };
  const kindOf = (i: number): SegmentKind => (supported(i) ? 'engine' : 'fallback');
  remaining.forEach((r, i) => r === 0 && ready[kindOf(i)].push(i));

  const groups: NodeGroup[] = [];
  let done = 0;
  // Engine nodes that read an `ends` node of the phase running: marked with the phase's number.
  const after = new Array<number>(graph.nodes.length).fill(-1);
  let phase = 0;
  const runPhase = (kind: SegmentKind) => {
    const queue = ready[kind];
    const popped: number[] = [];
    const waiting: number[] = [];
    phase++;
    // NOTE: the queue grows while it is walked; nodes made ready by this phase join it.
    for (let head = 0; head < queue.length; head++) {
      const i = queue[head]!;
      popped.push(i);
      const cuts = kind === 'engine' && ends(i);
      for (const u of deps.users[i]!) {
        if (cuts) after[u] = phase;
        if (--remaining[u]! > 0) continue;
        const k = kindOf(u);
        (k === kind && after[u] === phase ? waiting : ready[k]).push(u);
      }
    }
    queue.length = 0;
    queue.push(...waiting);
    if (popped.length) {
      done += popped.length;
      groups.push({ kind, nodes: popped.sort((a, b) => a - b), ...(waiting.length ? { closed: true } : {}) });
    }
  };
  while (ready.fallback.length || ready.engine.length) {
    runPhase('fallback');
    runPhase('engine');
  }
  if (done !== graph.nodes.length) {
    const stuck = graph.nodes.find((_, i) => remaining[i]! > 0)!;
    throw new HybridError('MODEL_INVALID', `the graph has a cycle through node '${stuck.name}' (${stuck.opType})`);
  }
  return groups;
}
