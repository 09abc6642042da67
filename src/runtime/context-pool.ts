/**
 * A pool of execution contexts for one engine: one context per run in flight. acquire() hands
 * out an idle context, else creates one while fewer than `max` exist, else waits (FIFO) for one
 * to come back. Contexts are reused, never freed before dispose().
 *
 * Why bounded: each context owns a full activation arena (engine.info().memory.arenaBytes plus
 * workspace), so a burst of N concurrent runs would otherwise pin N arenas for the model's
 * lifetime. Past a few contexts there is nothing to gain either: on the cpu backend the
 * contexts share the engine's worker threads, and on a GPU a few streams already overlap
 * copies with compute. Runs beyond the bound wait for a context rather than allocate one.
 */
import { HybridError } from '../errors.js';
import type { Engine, ExecutionContext } from '../engine/engine.js';

export const DEFAULT_MAX_CONTEXTS = 4;

export class ContextPool {
  private readonly idle: ExecutionContext[] = [];
  private readonly all: ExecutionContext[] = [];
  private readonly waiting: Array<{ resolve(ctx: ExecutionContext): void; reject(e: unknown): void }> = [];
  private disposed = false;

  constructor(
    private readonly engine: Engine,
    private readonly max: number = DEFAULT_MAX_CONTEXTS,
    private readonly label = 'engine',
    /** The model's `inlineRunUs` (Engine.createContext), where given. */
    private readonly inlineRunUs?: number,
  ) {
    if (!Number.isSafeInteger(max) || max < 1) throw new HybridError('OPTION', `maxContexts must be a positive integer, got ${max}`);
  }

  /** Contexts created so far. */
  get created(): number {
    return this.all.length;
  }

  /** An idle context, taken at once without a promise; undefined where acquire() must make or wait for one. */
  idleContext(): ExecutionContext | undefined {
    return this.disposed ? undefined : this.idle.pop();
  }

  acquire(): Promise<ExecutionContext> {
    if (this.disposed) return Promise.reject(new HybridError('DISPOSED', `${this.label}: the model was disposed`));
    const ctx = this.idle.pop();
    if (ctx) return Promise.resolve(ctx);
    if (this.all.length < this.max) {
      const made = this.engine.createContext(this.inlineRunUs);
      this.all.push(made);
      return Promise.resolve(made);
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  release(ctx: ExecutionContext): void {
    const next = this.waiting.shift();
    if (next) next.resolve(ctx);
    else this.idle.push(ctx);
  }

  /** Frees every context; waiters are rejected with DISPOSED. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.waiting.splice(0)) w.reject(new HybridError('DISPOSED', `${this.label}: the model was disposed`));
    for (const c of this.all) c.dispose();
    this.all.length = 0;
    this.idle.length = 0;
  }
}
