/**
 * `hybrid-run`: the command and its flags. `main(argv, io)` parses argv (without node and the
 * script), runs, and returns the exit code instead of exiting, so tests call it in-process;
 * bin/hybrid-run.js is the thin wrapper that sets process.exitCode. Nothing escapes as an
 * exception: every error becomes one line on stderr (see errors.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import ort from 'onnxruntime-node';
import { VERSION } from '../version.js';
import { CliFailure, EXIT_OK, EXIT_USAGE, formatError, exitCodeOf } from './errors.js';
import {
  BACKENDS,
  DEFAULT_BACKEND,
  DEFAULT_BENCHMARK_RUNS,
  DEFAULT_TOLERANCE,
  DEFAULT_WARMUP_RUNS,
  DISTRIBUTIONS,
  PRECISIONS,
  REPORT_FORMATS,
  type RawOptions,
  toCliOptions,
} from './options.js';
import { INT_RANGE } from './random.js';
import { GRAPH_OPTIMIZATION_LEVELS, offeredProviders } from '../compiler/ort-session-options.js';
import { type CliIO, runCli } from './run.js';
import { quantizeMain } from './quantize.js';
import { addCalibrationFlags, addInt8PolicyFlags } from './calib-flags.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

const EXAMPLES = `
Examples:
  $ hybrid-run examples/resnet_mini.onnx --shape input=1x3x64x64
  $ hybrid-run model.onnx --input input=image.npy --output-dir out/
  $ hybrid-run examples/transformer_block.onnx --shape hidden_states=2x16x64 --seed 7 --benchmark
  $ hybrid-run model.onnx --min-shapes x:1x3x224x224 --opt-shapes x:8x3x224x224 --max-shapes x:32x3x224x224
  $ hybrid-run resnet50.onnx --precision fp16 --benchmark --duration 10 --profile --json
  $ hybrid-run model.onnx --precision int8 --calib-data calib/ --calib-cache model.cache
  $ hybrid-run quantize model.onnx --calib-data calib/ -o model.qdq.onnx   (see hybrid-run quantize --help)

Inputs not given with --input are random: floats uniform in [-1, 1) (or normal with
--random-dist normal), integers in [0, ${INT_RANGE}), bools 0/1, the same for the same --seed.
A symbolic dimension (e.g. 'N' in [N,3,64,64]) that no --shape, range or input file sizes is
set to 1, with a notice naming it. An input given a range runs at its --opt-shapes shape.

Exit status: 0 success; 1 a failure while running (onnxruntime error, --compare mismatch);
2 a usage or input error (bad flag, unreadable or invalid model or input file).`;

/**
 * The help's last paragraph: the hidden spellings (trtexec's), named from the command's own
 * hidden options, so that a user of trtexec finds them without a list kept by hand.
 */
export function trtexecHelp(program: Command): string {
  const names = program.options.filter((o) => o.hidden && o.long).map((o) => o.long!);
  const words = `trtexec's spellings are read as hybrid-run's own flags (docs/cli.md): ${names.join(', ')}.`.split(' ');
  const lines = [''];
  for (const w of words) {
    const last = lines.length - 1;
    if (lines[last] && lines[last]!.length + 1 + w.length > 92) lines.push(w);
    else lines[last] = lines[last] ? `${lines[last]} ${w}` : w;
  }
  return `\n\n${lines.join('\n')}`;
}

export function buildCommand(io: CliIO): Command {
  const program = new Command('hybrid-run')
    .description('Run an ONNX model and print a summary of its outputs and the time taken.')
    .argument('<model>', 'the ONNX model file (.onnx, its external data beside it), or a compiled model saved with --save-engine (.hybrid)')
    .helpOption('-h, --help', 'show this help')
    .optionsGroup('Inputs and outputs:')
    .option('-i, --input <name=file>', 'an input from a .npy or .pb file; repeat per input (e.g. --input input=image.npy)', collect)
    .option(
      '--input-value <name=values>',
      'fix an input at compile time, so that what depends on it folds (e.g. --input-value sr=16000; NAME=V1,V2,... for a tensor); repeatable',
      collect,
    )
    .addOption(new Option('--loadInputs <specs>', 'trtexec spelling of --input (e.g. --loadInputs a:a.npy,b:b.npy)').hideHelp().argParser(collect))
    .option(
      '-s, --shape <name=dims>',
      "fix an input's shape, e.g. its symbolic dims; repeatable, or comma-separated (e.g. --shape input=1x3x224x224; trtexec's input:1x3x224x224 too)",
      collect,
    )
    .addOption(new Option('--shapes <specs>', 'trtexec spelling of --shape (e.g. --shapes a:1x3,b:1x5)').hideHelp().argParser(collect))
    .option(
      '--min-shapes <specs>',
      "the smallest shapes of inputs' ranges: with --opt-shapes and --max-shapes for the same inputs, the model is built once for every shape in between (e.g. --min-shapes x:1x3x224x224)",
      collect,
    )
    .option('--opt-shapes <specs>', 'the shapes ranges are tuned for, and that random inputs take (e.g. --opt-shapes x:8x3x224x224)', collect)
    .option('--max-shapes <specs>', "the largest shapes of inputs' ranges (e.g. --max-shapes x:32x3x224x224)", collect)
    .addOption(new Option('--minShapes <specs>', 'trtexec spelling of --min-shapes').hideHelp().argParser(collect))
    .addOption(new Option('--optShapes <specs>', 'trtexec spelling of --opt-shapes').hideHelp().argParser(collect))
    .addOption(new Option('--maxShapes <specs>', 'trtexec spelling of --max-shapes').hideHelp().argParser(collect))
    .addOption(new Option('--seed <n>', 'seed of the random inputs (e.g. --seed 7)').default('0', '0'))
    .addOption(
      new Option('--random-dist <dist>', 'distribution of random float inputs (e.g. --random-dist normal)').choices(DISTRIBUTIONS).default('uniform'),
    )
    .option('--no-random', 'fail, instead of generating random data, when an input is not given with --input')
    .option('-o, --output-dir <dir>', 'write each output as DIR/<name>.npy (e.g. --output-dir out/)')
    .option('--save-inputs <dir>', 'write the inputs used as DIR/<name>.npy, to rerun them elsewhere (e.g. --save-inputs in/)')
    .optionsGroup('Running:')
    .addOption(
      new Option(
        '--backend <name>',
        `what runs the model: the hybrid executor with engines on cuda or cpu ('auto': cuda where available), or 'ort', onnxruntime-node alone (e.g. --backend ort)`,
      )
        .choices(BACKENDS)
        .default(DEFAULT_BACKEND),
    )
    .option('--precision <list>', `precisions engines may use, from ${PRECISIONS.join(',')} (e.g. --precision fp16)`)
    .addOption(new Option('--fp16', 'trtexec spelling of --precision fp16').hideHelp())
    .addOption(new Option('--bf16', 'trtexec spelling of --precision bf16').hideHelp())
    .addOption(new Option('--int8', 'trtexec spelling of --precision int8 (with --calib-data or --calib-cache)').hideHelp())
    .option('--threads <n>', 'threads of onnxruntime and of the cpu engines (default: one per core; e.g. --threads 2)')
    .option('--device <n>', 'the GPU the cuda engines run on, a CUDA device ordinal (default 0; e.g. --device 1)')
    .option(
      '--ort-providers <list>',
      `onnxruntime execution providers of the fallback segments (the whole model with --backend ort), from those onnxruntime-node offers here: ${offeredProviders().join(', ')} (e.g. --ort-providers cuda,cpu)`,
    )
    .addOption(
      new Option(
        '--ort-graph-optimization <level>',
        "onnxruntime's graph optimization level for the fallback segments (the whole model with --backend ort) (e.g. --ort-graph-optimization disabled)",
      ).choices(GRAPH_OPTIMIZATION_LEVELS),
    )
    .option(
      '--benchmark [runs]',
      `time more runs after warm-up: latency, and on engines their compute (GPU) time, copies, segments and build (default ${DEFAULT_BENCHMARK_RUNS} runs; e.g. --benchmark 100)`,
    )
    .option('--iterations <n>', 'timed runs of --benchmark, which it implies (e.g. --iterations 200)')
    .option('--duration <seconds>', 'time --benchmark runs for this long instead of a count (e.g. --duration 10)')
    .option('--warmup <n>', `untimed runs before --benchmark (default ${DEFAULT_WARMUP_RUNS}; e.g. --warmup 10)`)
    .addOption(
      new Option(
        '--warmUp <ms>',
        "trtexec's warm-up in milliseconds: untimed runs until MS have passed, instead of --warmup (e.g. --warmUp 200)",
      ).hideHelp(),
    )
    .option(
      '--export-times <file>',
      "with --benchmark, write every timed run's start, end and latency (and engine copy and compute times) to FILE as JSON, in trtexec's --exportTimes form (e.g. --export-times times.json)",
    )
    .addOption(new Option('--exportTimes <file>', 'trtexec spelling of --export-times').hideHelp())
    .option('--profile', 'with --benchmark, time every engine layer too and list where the time goes (e.g. --benchmark --profile)')
    .option('--json', 'with --benchmark, print its results as one JSON object instead (e.g. --benchmark --json)')
    .option(
      '--timing-cache <file>',
      "the engine builder's timing cache: tactics reused from and recorded to FILE (e.g. --timing-cache tactics.cache)",
    )
    .option(
      '--save-engine <file>',
      'write the compiled model to one .hybrid file, which hybrid-run and load() run without compiling (e.g. --save-engine model.hybrid)',
    )
    .addOption(new Option('--saveEngine <file>', 'trtexec spelling of --save-engine').hideHelp())
    .option(
      '--cache-dir <dir>',
      'the engine cache: compiled models kept in DIR and reused by a later run of the same model and flags (e.g. --cache-dir ~/.cache/hybridrt)',
    )
    .option(
      '--info',
      'for a .hybrid file: print what it holds (inputs, outputs, segments, device, versions) instead of running it (e.g. model.hybrid --info)',
    )
    .option(
      '--onnx <file>',
      'for a .hybrid file: its source ONNX model, which --compare runs on onnxruntime (default: the one embedded in the file; e.g. --onnx resnet50.onnx)',
    )
    .option('-v, --verbose', 'print stack traces with errors, and onnxruntime warnings (e.g. -v)')
    .optionsGroup('INT8 (with --precision int8, or --int8):');
  addInt8PolicyFlags(addCalibrationFlags(program, 'with --precision int8, the data the int8 scales are calibrated over'))
    .optionsGroup('Partitioning and reports:')
    .option('--dry-run', 'partition the model and print the report without running it (e.g. --dry-run)')
    .addOption(new Option('--report <format>', 'partition report format (e.g. --report json)').choices(REPORT_FORMATS))
    .option('--report-file <path>', 'write the report to PATH instead of stdout (e.g. --report-file report.html)')
    .option(
      '--min-block-size <n>',
      'fewest compute nodes an engine segment may hold; smaller ones fall back (default 3, 0 keeps all; e.g. --min-block-size 5)',
    )
    .option('--fallback-ops <ops>', "op types always left to onnxruntime, 'domain::Op' for a custom domain (e.g. --fallback-ops Softmax,Resize)")
    .option('--fallback-nodes <names>', 'node names always left to onnxruntime (e.g. --fallback-nodes /fc/Gemm)')
    .option('--require-full-compilation', 'fail unless every node is engine-supported (e.g. --require-full-compilation)')
    .optionsGroup('Checking:')
    .option('--compare', 'also run onnxruntime alone on the same inputs and compare every output; exit 1 on a mismatch (e.g. --compare)')
    .option(
      '--ref-outputs <dir>',
      'compare every output with the one saved in DIR (DIR/<output>.npy or .pb, as --output-dir writes them, or a .pb naming it) instead of running onnxruntime; implies --compare (e.g. --ref-outputs ref/)',
    )
    .option(
      '--atol <x>',
      `absolute tolerance of --compare, for every output or OUTPUT=X for one; repeatable (default ${DEFAULT_TOLERANCE.fp32.atol}, ${DEFAULT_TOLERANCE.reduced.atol} where engines compute in fp16/bf16, times the output's scale (99th percentile of |value|) where above 1; e.g. --atol 1e-3 or --atol logits=1e-3)`,
      collect,
    )
    .option(
      '--rtol <x>',
      `relative tolerance of --compare, for every output or OUTPUT=X for one; repeatable (default ${DEFAULT_TOLERANCE.fp32.rtol}, ${DEFAULT_TOLERANCE.reduced.rtol} where engines compute in fp16/bf16; e.g. --rtol 1e-2 or --rtol logits=1e-2)`,
      collect,
    )
    .version(VERSION, '-V, --version', 'print the hybridrt version and exit (e.g. hybrid-run --version)')
    .addHelpText('after', () => EXAMPLES + trtexecHelp(program))
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: () => {}, // main() prints commander's errors in hybrid-run's one-line form
    });
  return program;
}

const processIO: CliIO = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  errIsTTY: process.stderr.isTTY === true,
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
};

/** Runs hybrid-run with `argv` (the arguments after the script name); returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  if (argv[0] === 'quantize') return quantizeMain(argv.slice(1), io);
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  const program = buildCommand(io);
  let model: string;
  let raw: RawOptions;
  try {
    program.parse(argv, { from: 'user' });
    model = program.args[0]!;
    raw = program.opts<RawOptions>();
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      const message = e.message.replace(/^error: /, '');
      io.err(formatError(new CliFailure(`${message} (see hybrid-run --help)`, EXIT_USAGE), false));
      return EXIT_USAGE;
    }
    io.err(formatError(e, verbose));
    return exitCodeOf(e);
  }
  // onnxruntime logs its own errors to stderr natively; hybrid-run reports each failure in one
  // line already, so its log stays quiet unless --verbose. It takes effect at the first session
  // of the process (the environment is created once).
  ort.env.logLevel = verbose ? 'warning' : 'fatal';
  try {
    return await runCli(toCliOptions(model, raw), io);
  } catch (e) {
    io.err(formatError(e, verbose));
    return exitCodeOf(e);
  }
}
