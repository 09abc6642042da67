/**
 * `hybrid-serve`: serve a model repository over REST and gRPC until SIGTERM or SIGINT, then
 * drain (requests in flight are answered) and exit 0. `main(argv, io, stopped)` returns the exit
 * code instead of exiting, so tests call it in-process with their own stop signal;
 * bin/hybrid-serve.js is the thin wrapper. Exit status: 0 after a drain, 2 a usage error (a bad
 * flag, a repository that cannot be read), 1 anything else (with --workers, workers that kept
 * crashing: cluster.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import ort from 'onnxruntime-node';
import { isHybridError, messageLine } from '../errors.js';
import { VERSION } from '../version.js';
import { DEFAULT_LIMITS } from './core.js';
import { ServeError } from './errors.js';
import { MAX_WORKERS, serve } from './server.js';

export interface ServeIO {
  err(text: string): void;
}

const EXAMPLES = `
Examples:
  $ hybrid-serve --model-repository models/
  $ hybrid-serve --model-repository models/ --host 0.0.0.0 --http-port 8080 --no-grpc
  $ hybrid-serve --model-repository models/ --workers 4     # 4 server processes on the same ports
  $ curl localhost:8000/v2/models/resnet50

The repository is laid out as Triton's: DIR/<model>/<version>/model.onnx (or model.hybrid) and
DIR/<model>/config.json (compile options, max_batch_size, dynamic_batching, instances).
docs/serve.md has the config, the endpoints, batching and metrics.`;

function integer(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max)
      throw new CommanderError(2, 'hybrid-serve.flag', `${name} must be an integer from ${min} to ${max}, got '${v}'`);
    return n;
  };
}

function buildCommand(io: ServeIO): Command {
  return new Command('hybrid-serve')
    .description('Serve ONNX and .hybrid models over the KServe Open Inference Protocol (v2): REST and gRPC, with dynamic batching.')
    .requiredOption('-m, --model-repository <dir>', 'the model repository folder (e.g. --model-repository models/)')
    .addOption(new Option('--http-port <port>', 'REST port, 0 for any free one').argParser(integer('--http-port', 0, 65535)).default(8000))
    .addOption(new Option('--grpc-port <port>', 'gRPC port, 0 for any free one').argParser(integer('--grpc-port', 0, 65535)).default(8001))
    .option('--no-http', 'serve gRPC only')
    .option('--no-grpc', 'serve REST only')
    .option('--host <address>', 'address to listen on (default loopback only; 0.0.0.0 for every interface)', '127.0.0.1')
    .addOption(
      new Option('--max-body-bytes <n>', 'bytes a request body or gRPC message may have')
        .argParser(integer('--max-body-bytes', 1, 2 ** 31 - 1))
        .default(DEFAULT_LIMITS.maxBodyBytes),
    )
    .addOption(
      new Option('--max-tensor-elements <n>', 'elements one input tensor may have')
        .argParser(integer('--max-tensor-elements', 1, Number.MAX_SAFE_INTEGER))
        .default(DEFAULT_LIMITS.maxTensorElements),
    )
    .addOption(
      new Option('--request-timeout-ms <ms>', "time from a request's arrival to its answer, upload included")
        .argParser(integer('--request-timeout-ms', 1, 86_400_000))
        .default(DEFAULT_LIMITS.requestTimeoutMs),
    )
    .addOption(
      new Option('--max-queue <n>', 'requests that may wait for one model version at once (more are answered 503)')
        .argParser(integer('--max-queue', 1, 1_000_000))
        .default(DEFAULT_LIMITS.maxQueue),
    )
    .addOption(
      new Option('--workers <n>', 'server processes sharing the ports, each with its own copy of every model (docs/serve.md, "Workers")')
        .argParser(integer('--workers', 1, MAX_WORKERS))
        .default(1),
    )
    .option('-q, --quiet', 'print warnings only (not the ports and models loaded)')
    .option('-v, --verbose', 'print stack traces with errors')
    .version(VERSION, '-V, --version', 'print the hybridrt version and exit')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.err(s), writeErr: (s) => io.err(s), outputError: () => {} });
}

interface Flags {
  modelRepository: string;
  httpPort: number;
  grpcPort: number;
  http: boolean;
  grpc: boolean;
  host: string;
  maxBodyBytes: number;
  maxTensorElements: number;
  requestTimeoutMs: number;
  maxQueue: number;
  workers: number;
  quiet?: boolean;
  verbose?: boolean;
}

const processIO: ServeIO = { err: (s) => void process.stderr.write(s) };

/** SIGTERM or SIGINT, as a promise of the signal's name (the handlers go once it fires). */
export function signalled(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** Runs hybrid-serve with `argv` (the arguments after the script name) until `stopped` settles. */
export async function main(
  argv: string[],
  io: ServeIO = processIO,
  stopped: Promise<string> = signalled(),
  again: () => Promise<string> = signalled,
): Promise<number> {
  let flags: Flags;
  try {
    flags = buildCommand(io).parse(argv, { from: 'user' }).opts<Flags>();
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      io.err(`hybrid-serve: ${e.message.replace(/^error: /, '')} (see hybrid-serve --help)\n`);
      return 2;
    }
    throw e;
  }
  ort.env.logLevel = flags.verbose ? 'warning' : 'fatal';
  const log = (message: string, level: 'info' | 'warn') => {
    if (level === 'warn' || !flags.quiet) io.err(`hybrid-serve: ${level === 'warn' ? 'warning: ' : ''}${message}\n`);
  };
  // A signal while the models load stops the loading after the version being compiled (which
  // cannot be cut short), then drains what is ready; a second signal exits at once (128 + its
  // number, as a shell reports a process that a signal ended).
  const loading = new AbortController();
  let signal: string | undefined;
  let loadingNow = true;
  void stopped.then((s) => {
    signal = s;
    if (loading.signal.aborted || !loadingNow) return;
    loading.abort();
    log(`${s} while loading: stopping after the model version being loaded (another ${s} exits at once)`, 'info');
    // Once armed, a second signal exits whether the load is still going or the drain has begun
    // (as a second signal does without this: the first one's handlers are gone by then).
    void again().then((s2) => {
      io.err(`hybrid-serve: ${s2}: exiting at once\n`);
      process.exit(128 + (s2 === 'SIGINT' ? 2 : 15));
    });
  });
  let server;
  try {
    server = await serve({
      signal: loading.signal,
      modelRepository: flags.modelRepository,
      httpPort: flags.http ? flags.httpPort : false,
      grpcPort: flags.grpc ? flags.grpcPort : false,
      host: flags.host,
      maxBodyBytes: flags.maxBodyBytes,
      maxTensorElements: flags.maxTensorElements,
      requestTimeoutMs: flags.requestTimeoutMs,
      maxQueue: flags.maxQueue,
      workers: flags.workers,
      onLog: log,
    });
  } catch (e) {
    io.err(`hybrid-serve: ${messageLine(e)}\n${flags.verbose && e instanceof Error ? `${e.stack}\n` : ''}`);
    return isHybridError(e) || e instanceof ServeError ? 2 : 1;
  } finally {
    loadingNow = false;
  }
  if (!signal) {
    const models = server.models();
    log(`serving ${models.filter((m) => m.state === 'READY').length} of ${models.length} model versions; SIGTERM or Ctrl-C drains and stops`, 'info');
  }
  // A server of several processes may stop by itself (workers that keep crashing): exit 1 then.
  const failed = await Promise.race([stopped.then(() => undefined), server.stopped]);
  if (failed) {
    io.err(`hybrid-serve: ${failed.message}\n`);
    return 1;
  }
  signal ??= await stopped;
  log(`${signal}: draining (requests in flight are answered)`, 'info');
  await server.close();
  log('stopped', 'info');
  return 0;
}
