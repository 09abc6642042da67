/**
 * Prometheus metrics (prom-client), one registry per server so that servers in one process
 * (tests) keep their own counts. A server of several processes sums its workers' registries
 * (cluster.ts, prom-client's AggregatorRegistry.aggregate: each metric by its `aggregator`). GET /metrics answers `registry.metrics()`. Labels are the
 * model and version the server holds (a request for an unknown model counts under model="")
 * and the protocol, so that a client cannot grow the label set.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class ServeMetrics {
  readonly registry = new Registry();
  /** Inference requests received, by model, version and protocol ('rest' or 'grpc'). */
  readonly requests = new Counter({
    name: 'hybridrt_inference_requests_total',
    help: 'Inference requests received',
    labelNames: ['model', 'version', 'protocol'] as const,
    registers: [this.registry],
  });
  /** Requests answered with an error, by the error's kind (INVALID, NOT_FOUND, TIMEOUT...). */
  readonly failures = new Counter({
    name: 'hybridrt_inference_failures_total',
    help: 'Inference requests answered with an error, by kind',
    labelNames: ['model', 'version', 'protocol', 'kind'] as const,
    registers: [this.registry],
  });
  /** Time from a request's arrival to its answer. */
  readonly latency = new Histogram({
    name: 'hybridrt_request_duration_seconds',
    help: 'Inference request latency, arrival to answer',
    labelNames: ['model', 'version', 'protocol'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  /** Time a request waited in its model's queue before its run began. */
  readonly queue = new Histogram({
    name: 'hybridrt_queue_duration_seconds',
    help: 'Time waiting for a batch and an instance',
    labelNames: ['model', 'version'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  /** Items per run (the batch run() was given: one request's, or several merged). */
  readonly batchSize = new Histogram({
    name: 'hybridrt_batch_size',
    help: 'Batch size of each model run',
    labelNames: ['model', 'version'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  /** Items inferred (a request of batch 4 counts 4). */
  readonly inferences = new Counter({
    name: 'hybridrt_inference_count_total',
    help: 'Items inferred',
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });
  /** Model runs (several requests batched together are one). */
  readonly executions = new Counter({
    name: 'hybridrt_inference_exec_count_total',
    help: 'Model runs',
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });
  /** 1 where a version is ready, 0 where it is loading or failed (across workers: the least, cluster.ts). */
  readonly ready = new Gauge({
    name: 'hybridrt_model_ready',
    help: 'Whether a model version is ready',
    labelNames: ['model', 'version'] as const,
    aggregator: 'min',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'hybridrt_' });
  }
}
