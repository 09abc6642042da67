#!/usr/bin/env python3
"""hybridrt against PyTorch on one GPU: the benchmark of docs/benchmarks.md.

For each model of gpu-models.py (torchvision resnet50, mobilenet_v2, fcn_resnet50, timm
efficientnet_b0, a transformers BERT-base encoder; torchvision vit_b_16 and swin_t, GPT-2 small
prefill of 128 tokens and one-token decode with its KV cache as inputs, a Whisper-base-style
encoder; random weights, BatchNorm statistics calibrated), each precision (fp32, fp16) and batch
(1, 32; GPT-2 at 1 only):

  hybrid   hybrid-run <model>.onnx --backend cuda --precision P --benchmark --json
           (GPU compute: CUDA events around the engines' layers, inputs resident on the GPU;
           also its end-to-end latency, host feeds to host outputs)
  eager    PyTorch eager, the same module and weights the ONNX file was exported from
  compile  torch.compile(mode="reduce-overhead") of that module (CUDA graphs)

and for eager and compile also end to end as hybrid-run's latency is: wall time from fp32 host
tensors to fp32 host outputs (copies and fp16 casts on the GPU included).

PyTorch runs with cudnn.benchmark on and TF32 off (fp32 rows are fp32 on both sides), under
inference_mode, fp16 through .half() of the module
and the input, resident on the GPU, timed with CUDA events around each call after warm-up;
every figure is the median of many runs. Both systems run on the same input, written once at
export (hybrid-run --input). The table's ratios are PyTorch's median over hybridrt's median, of
GPU compute time and, in the end-to-end column, of end-to-end latency (above 1: hybridrt is
faster).

Development stages, not part of the default: check (hybrid-run --compare at batch 1 with
gpu-models.py's tolerances) and ab (each speed feature switched off in turn, with --profile
on the full build).

int8 (--precisions ...,int8): export also writes each model's Q/DQ model, calibrated by
`hybrid-run quantize` (entropy) over feeds of the benchmark's distribution; the hybrid stage
runs it with fp16 float layers; the table holds int8 rows against PyTorch's fp16 and our own
fp16; the agree stage (not in the default) gives int8's top-1 agreement with fp32 on held-out
feeds:

    python3 bench/gpu-bench.py export hybrid torch table agree --models resnet50,mobilenet_v2,efficientnet_b0 \
        --precisions fp16,int8

With --accuracy-target top1=0.99 (or cosine=...), the Q/DQ models keep the layers the precision
policy finds most sensitive in float (docs/quantization.md), for the issue's speed and accuracy
goals measured on one model.

Stages (default: all): export (ONNX files at batch 1 and 32, the weights and one input per
model and batch, under --work; deterministic, so a fresh machine makes the same files), hybrid,
torch, table. Each run's result is a JSON file under --work/results (runs already there are not
repeated; --force redoes them); the table stage reads those and any --results folders (results
fetched from an earlier machine), writes bench.json (rows and every result) and hybrid-runs.log
to --out (default $OUT), and prints the table. --budget-s stops starting new runs once a stage
has used that many seconds (the rows left out say so), so that a stage fits one call of the GPU
machine.

    python3 bench/gpu-bench.py                              # everything
    python3 bench/gpu-bench.py export hybrid --budget-s 420
    python3 bench/gpu-bench.py torch table --budget-s 500
"""
import argparse
import functools
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ['resnet50', 'efficientnet_b0', 'mobilenet_v2', 'fcn_resnet50', 'bert_base', 'vit_b_16', 'swin_t', 'gpt2_prefill',
          'gpt2_decode', 'whisper_encoder']
# The targets of issue 6 first: when a stage runs out of time, what is left out matters least.
TARGETS = [('resnet50', 'fp16'), ('efficientnet_b0', 'fp16'), ('mobilenet_v2', 'fp16')]


@functools.lru_cache(maxsize=None)
def gpu_models():
    """gpu-models.py as a module, loaded once (runs() asks it for every stage)."""
    spec = importlib.util.spec_from_file_location('gpu_models', os.path.join(REPO, 'bench', 'gpu-models.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def runs(models, precisions, batches):
    """(model, precision, batch) in the order they are run: the issue's targets first; a model
    with its own batches (gpu-models.py's BATCHES) at those of `batches` it has."""
    own = gpu_models().BATCHES
    all_runs = [(m, p, b) for m in models for p in precisions for b in batches if b in own.get(m, batches)]
    first = [r for r in all_runs if (r[0], r[1]) in TARGETS]
    return first + [r for r in all_runs if r not in first]


def onnx_path(work, model, batch, precision=None):
    """The model's ONNX file at `batch`; for int8, the Q/DQ model `hybrid-run quantize` made of it."""
    return os.path.join(work, 'models', f'{model}_int8_b{batch}.onnx' if precision == 'int8' else f'{model}_b{batch}.onnx')


def calibration_batches(batch):
    """How many batches int8 calibration reads at `batch`: 16 images or more, two batches at least."""
    return max(2, 16 // batch)


def quantize_int8(args, spec, name, batch):
    """The int8 rows' model: the fp32 export calibrated (TensorRT's entropy calibration) over
    feeds of the benchmark's own distribution (spec.arrays with other seeds) and written as a
    Q/DQ model by `hybrid-run quantize`; the hybrid stage compiles it with fp16 float layers."""
    import numpy as np

    out = onnx_path(args.work, name, batch, 'int8')
    if os.path.exists(out) and not args.force:
        return
    calib = os.path.join(args.work, 'calib', f'{name}_b{batch}')
    for i in range(calibration_batches(batch)):
        feed = spec.arrays(batch, 2000 + i)
        folder = os.path.join(calib, f'batch{i:03d}')
        os.makedirs(folder, exist_ok=True)
        for k, v in feed.items():
            np.save(os.path.join(folder, f'{k}.npy'), v)
    t0 = time.time()
    cmd = ['node', os.path.join(REPO, 'bin', 'hybrid-run.js'), 'quantize', onnx_path(args.work, name, batch), '--calib-data', calib,
           '-o', out]
    if args.accuracy_target:  # the precision policy: the most sensitive layers kept in float
        cmd += ['--accuracy-target', args.accuracy_target]
    p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if p.returncode != 0:
        print(f'FAIL   quantize {name} b{batch}: exit {p.returncode}: {p.stderr.strip()[-400:]}', flush=True)
        return
    print(f'quantized {name} b{batch} in {time.time() - t0:.1f}s: {p.stdout.strip()[-200:]}', flush=True)


def input_paths(work, spec, model, batch):
    """name -> the .npy file of that input of the model's feed at `batch`."""
    return {name: os.path.join(work, 'inputs', f'{model}_b{batch}_{name}.npy') for name, *_ in spec.inputs}


def input_flags(work, spec, model, batch):
    return [a for name, path in input_paths(work, spec, model, batch).items() for a in ('--input', f'{name}={path}')]


def stage_export(args):
    import numpy as np
    import torch

    gm = gpu_models()
    os.makedirs(os.path.join(args.work, 'models'), exist_ok=True)
    os.makedirs(os.path.join(args.work, 'inputs'), exist_ok=True)
    specs = gm.model_specs()
    for name in args.models:
        spec = specs[name]
        batches = sorted({b for m, _, b in runs([name], args.precisions, args.batches)})
        paths = [onnx_path(args.work, name, b) for b in batches]
        weights = os.path.join(args.work, 'models', f'{name}.pt')
        inputs = [p for b in batches for p in input_paths(args.work, spec, name, b).values()]
        if all(os.path.exists(p) for p in paths + inputs + [weights]) and not args.force:
            continue
        t0 = time.time()
        model, spec = gm.build_model(name)
        torch.save(model.state_dict(), weights)
        for b, path in zip(batches, paths):
            # The feed it is traced on is the one the runs read (hybrid-run --input, the torch stage).
            feed = spec.arrays(b, 1000 + b)
            gm.export_onnx(torch, model, spec, {k: torch.from_numpy(v) for k, v in feed.items()}, path)
            for k, f in input_paths(args.work, spec, name, b).items():
                np.save(f, feed[k])
        print(f'exported {name} (batches {batches}) in {time.time() - t0:.1f}s', flush=True)
    if 'int8' in args.precisions:
        for name in args.models:
            for b in sorted({b for m, _, b in runs([name], ['int8'], args.batches)}):
                quantize_int8(args, specs[name], name, b)


def result_path(work, system, model, precision, batch):
    return os.path.join(work, 'results', f'{system}_{model}_{precision}_b{batch}.json')


def pending(args, system):
    """(model, precision, batch, result path) of the runs of `system` still to do: those without a
    result file (all with --force), until the stage has used its --budget-s (the rest say so)."""
    t_stage = time.time()
    os.makedirs(os.path.join(args.work, 'results'), exist_ok=True)
    for model, precision, batch in runs(args.models, args.precisions, args.batches):
        path = result_path(args.work, system, model, precision, batch)
        if os.path.exists(path) and not args.force:
            continue
        if time.time() - t_stage > args.budget_s:
            print(f'skip   {system:6} {model} {precision} b{batch}: stage budget of {args.budget_s}s used', flush=True)
            continue
        yield model, precision, batch, path


def stage_hybrid(args):
    specs = gpu_models().model_specs()
    for model, precision, batch, path in pending(args, 'hybrid'):
        cache = os.path.join(args.work, 'timing-cache.txt')
        # int8: the Q/DQ model (quantize_int8), its float layers in fp16.
        cmd = ['node', os.path.join(REPO, 'bin', 'hybrid-run.js'), onnx_path(args.work, model, batch, precision), '--backend', 'cuda',
               '--precision', 'fp16' if precision == 'int8' else precision, '--iterations', str(args.iterations),
               '--warmup', str(args.warmup), '--json', '--timing-cache', cache] + input_flags(args.work, specs[model], model, batch)
        if args.profile:
            cmd.append('--profile')
        t0 = time.time()
        p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True,
                           env={**os.environ, 'NODE_OPTIONS': '--max-old-space-size=16384'})
        seconds = time.time() - t0
        with open(os.path.join(args.out, 'hybrid-runs.log'), 'a') as f:
            f.write('$ ' + ' '.join(cmd) + f'\n(exit {p.returncode}, {seconds:.1f}s)\n' + p.stderr + '\n')
        if p.returncode != 0:
            print(f'FAIL   hybrid {model} {precision} b{batch}: exit {p.returncode}: {p.stderr.strip()[-400:]}', flush=True)
            continue
        r = json.loads(p.stdout)
        r['seconds'] = round(seconds, 1)
        with open(path, 'w') as f:
            json.dump(r, f)
        c = r['computeMs']['median'] if r['computeMs'] else float('nan')
        print(f'hybrid {model:16} {precision} b{batch:<3} compute {c:8.3f} ms  latency {r["latencyMs"]["median"]:8.3f} ms'
              f'  ({seconds:.0f}s)', flush=True)


def stage_check(args):
    """hybrid-run --compare against onnxruntime (CPU) at batch 1, with gpu-models.py's tolerances
    and cosine floor: the accuracy the speed work must keep."""
    gm = gpu_models()
    results = []
    for model in args.models:
        for precision in args.precisions:
            r = gm.run(REPO, onnx_path(args.work, model, 1), precision, args.out, model)
            results.append(r)
            ok = 'ok  ' if r['exit'] == 0 and r['cosineOk'] else 'FAIL'
            verdicts = ' '.join(f"{o['verdict']} max abs {o['maxAbs']} cosine {o['cosine']}" for o in r['outputs'])
            print(f"{ok} check {model:16} {precision}  {verdicts or r['tail']}", flush=True)
    with open(os.path.join(args.out, 'check.json'), 'w') as f:
        json.dump(results, f, indent=1)


# What each speed feature is worth: the same hybrid run with one of them off (environment
# switches read by the addon; docs/cuda.md).
VARIANTS = {'all': {}, 'no-graphs': {'HYBRIDRT_CUDA_GRAPHS': '0'}, 'no-fusion': {'HYBRIDRT_FUSION': '0'},
            'no-layout': {'HYBRIDRT_LAYOUT': '0'}, 'no-cba': {'HYBRIDRT_CUDNN_CBA': '0'},
            'no-graph-api': {'HYBRIDRT_CUDNN_GRAPH': '0'}, 'no-pointwise': {'HYBRIDRT_POINTWISE': '0'},
            'no-alias': {'HYBRIDRT_ALIAS': '0'}, 'no-attention': {'HYBRIDRT_ATTENTION': '0'},
            'no-overlap': {'HYBRIDRT_OVERLAP_OUTPUTS': '0'}, 'no-waves': {'HYBRIDRT_STAGE_WAVES': '0'}}


def stage_ab(args):
    specs = gpu_models().model_specs()
    t_stage = time.time()
    rows = []
    for model, precision, batch in runs(args.models, args.precisions, args.batches):
        for variant in args.variants:
            if time.time() - t_stage > args.budget_s:
                print(f'skip   ab {model} {precision} b{batch} {variant}: stage budget used', flush=True)
                continue
            cmd = ['node', os.path.join(REPO, 'bin', 'hybrid-run.js'), onnx_path(args.work, model, batch), '--backend', 'cuda',
                   '--precision', precision, '--iterations', str(args.iterations), '--warmup', str(args.warmup), '--json']
            cmd += input_flags(args.work, specs[model], model, batch)
            if args.profile and variant == 'all':
                cmd.append('--profile')
            p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env={**os.environ, **VARIANTS[variant]})
            if p.returncode != 0:
                print(f'FAIL   ab {model} {precision} b{batch} {variant}: {p.stderr.strip()[-400:]}', flush=True)
                continue
            r = json.loads(p.stdout)
            r['variant'] = variant
            rows.append(r)
            c = r['computeMs']['median'] if r['computeMs'] else float('nan')
            e = r['build']['engines'][0] if r['build'] and r['build']['engines'] else {}
            seg = r['segments'][0] if r['segments'] else {}
            print(f"ab     {model:16} {precision} b{batch:<3} {variant:10} compute {c:8.3f} ms  latency "
                  f"{r['latencyMs']['median']:8.3f} ms  build {e.get('ms', 0) / 1000:5.1f}s  layers {e.get('layers')}"
                  f"  graph {seg.get('graph')} ({seg.get('graphNodes')} ops)", flush=True)
            if r.get('profile'):
                top = sorted(r['profile']['layers'], key=lambda l: -l['ms'])[:12]
                kinds = {}
                for l in r['profile']['layers']:
                    kinds[l['kind']] = kinds.get(l['kind'], 0) + l['ms']
                print('       profile by kind: ' + ', '.join(f'{k} {v:.3f}' for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])), flush=True)
                total_tactic = sum(l.get('tacticMs', 0) for l in r['profile']['layers'])
                families = {}
                for l in r['profile']['layers']:
                    f = l['tactic'].split(':')[0]
                    families[f] = families.get(f, 0) + 1
                print('       tactics: ' + ', '.join(f'{k} {v}' for k, v in sorted(families.items(), key=lambda kv: -kv[1])), flush=True)
                print(f"       profile total {r['profile']['computeMs']:.3f} ms; build-time tactic timings sum to {total_tactic:.3f} ms", flush=True)
                for l in top:
                    print(f"         {l['ms']:7.4f} ms {100 * l['share']:5.1f}%  {l['kind']:12} {l['name'][-28:]:28} {l['tactic']}"
                          f" (built {l.get('tacticMs', float('nan')):.4f})", flush=True)
    with open(os.path.join(args.out, 'ab.json'), 'w') as f:
        json.dump(rows, f)


def stage_agree(args):
    """int8 against fp32 on held-out feeds of the calibration's distribution (spec.arrays with
    seeds neither calibration nor the timed runs use): top-1 agreement of the int8 model (fp16
    float layers) with the fp32 model, both on cuda, and the outputs' cosine, at the largest batch."""
    import numpy as np

    gm = gpu_models()
    specs = gm.model_specs()
    batch = max(args.batches)
    rows = []
    for name in args.models:
        spec = specs[name]
        q = onnx_path(args.work, name, batch, 'int8')
        if not os.path.exists(q):
            continue
        same = total = 0
        dots = []
        for i in range(args.agree_batches):
            feed = spec.arrays(batch, 3000 + i)
            folder = os.path.join(args.work, 'agree', f'{name}_b{batch}_{i}')
            os.makedirs(folder, exist_ok=True)
            flags = []
            for k, v in feed.items():
                np.save(os.path.join(folder, f'{k}.npy'), v)
                flags += ['--input', f'{k}={os.path.join(folder, k + ".npy")}']
            outs = {}
            for tag, model, precision in (('fp32', onnx_path(args.work, name, batch), 'fp32'), ('int8', q, 'fp16')):
                out_dir = os.path.join(folder, tag)
                # The hybrid stage's timing cache: without it each of these processes timed every
                # int8 layer's tactics again (~50 s a build), and the stage ran out of a call's time.
                cmd = ['node', os.path.join(REPO, 'bin', 'hybrid-run.js'), model, '--backend', 'cuda', '--precision', precision,
                       '--output-dir', out_dir, '--timing-cache', os.path.join(args.work, 'timing-cache.txt')] + flags
                p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
                if p.returncode != 0:
                    print(f'FAIL   agree {name} {tag}: {p.stderr.strip()[-300:]}', flush=True)
                    break
                first = sorted(f for f in os.listdir(out_dir) if f.endswith('.npy'))[0]
                outs[tag] = np.load(os.path.join(out_dir, first)).reshape(batch, -1).astype(np.float64)
            if len(outs) < 2:
                break
            same += int((outs['fp32'].argmax(1) == outs['int8'].argmax(1)).sum())
            total += batch
            a, b = outs['fp32'].ravel(), outs['int8'].ravel()
            dots.append(float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))))
        if total:
            row = {'model': name, 'batch': batch, 'images': total, 'top1Agreement': same / total, 'cosine': min(dots)}
            rows.append(row)
            print(f"agree  {name:16} int8 vs fp32 over {total} held-out inputs: top-1 {100 * same / total:.1f}%, "
                  f"cosine (lowest batch) {min(dots):.5f}", flush=True)
    with open(os.path.join(args.out, 'agree.json'), 'w') as f:
        json.dump(rows, f, indent=1)


def time_cuda(torch, fn, xs, iterations, warmup):
    """Median milliseconds of fn(*xs) between CUDA events, after warm-up, and every time."""
    for _ in range(warmup):
        fn(*xs)
    torch.cuda.synchronize()
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(iterations):
        start.record()
        fn(*xs)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times), times


def time_end_to_end(torch, fn, host, half, iterations):
    """Median wall milliseconds from host tensors to host outputs, as hybrid-run's latency: the
    fp32 (or int64) CPU feed copied to the GPU, cast to fp16 there for an fp16 model, the model,
    its outputs cast back to fp32 and copied to the host (fn is warm: time_cuda ran it)."""
    def once():
        xs = [x.cuda() for x in host]
        if half:
            xs = [x.half() if x.is_floating_point() else x for x in xs]
        out = fn(*xs)
        return [o.float().cpu() for o in (out if isinstance(out, (tuple, list)) else [out])]

    for _ in range(3):
        once()
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        once()  # .cpu() waits for the GPU
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times)


def stage_torch(args):
    import numpy as np
    import torch

    gm = gpu_models()
    specs = gm.model_specs()
    torch.backends.cudnn.benchmark = True
    # fp32 rows are fp32 on both sides: hybridrt never uses TF32, so PyTorch must not either.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    for model_name, precision, batch, path in pending(args, 'torch'):
        if precision == 'int8':
            continue  # PyTorch has no int8 path here; the table holds int8 rows against its fp16 rows
        spec = specs[model_name]
        model = spec.make()
        model.load_state_dict(torch.load(os.path.join(args.work, 'models', f'{model_name}.pt')))
        model = model.cuda().eval()
        host = [torch.from_numpy(np.load(f)) for f in input_paths(args.work, spec, model_name, batch).values()]
        xs = [x.cuda() for x in host]
        half = precision == 'fp16'
        if half:
            model = model.half()
            xs = [x.half() if x.is_floating_point() else x for x in xs]
        r = {'model': model_name, 'precision': precision, 'batch': batch, 'torch': torch.__version__}
        t0 = time.time()
        compile_this = (model_name, precision) in TARGETS or not args.compile_targets_only
        with torch.inference_mode():
            r['eagerMs'], eager = time_cuda(torch, model, xs, args.iterations, args.warmup)
            r['eagerMinMs'] = min(eager)
            r['eagerLatencyMs'] = time_end_to_end(torch, model, host, half, args.iterations)
            if compile_this:
                compiled = torch.compile(model, mode='reduce-overhead')
                tc = time.time()
                # reduce-overhead records its CUDA graph after a few calls: warm up well past them.
                r['compileMs'], comp = time_cuda(torch, compiled, xs, args.iterations, max(args.warmup, 10))
                r['compileSeconds'] = round(time.time() - tc, 1)
                r['compileMinMs'] = min(comp)
                r['compileLatencyMs'] = time_end_to_end(torch, compiled, host, half, args.iterations)
                del compiled
        r['seconds'] = round(time.time() - t0, 1)
        with open(path, 'w') as f:
            json.dump(r, f)
        comp_text = (f'compile {r["compileMs"]:8.3f} ms, end to end {r["compileLatencyMs"]:8.3f} ms  '
                     f'(compiled in {r["compileSeconds"]}s)') if compile_this else 'compile not run'
        print(f'torch  {model_name:16} {precision} b{batch:<3} eager {r["eagerMs"]:8.3f} ms  {comp_text}', flush=True)
        del model
        torch.cuda.empty_cache()
        torch._dynamo.reset()


def stage_table(args):
    rows, raw = [], {}
    for model, precision, batch in runs(args.models, args.precisions, args.batches):
        def load(system, as_precision=None):
            for folder in [os.path.join(args.work, 'results')] + args.results:
                p = os.path.join(folder, os.path.basename(result_path(args.work, system, model, as_precision or precision, batch)))
                if os.path.exists(p):
                    raw[os.path.basename(p)] = json.load(open(p))
                    return raw[os.path.basename(p)]
            return None
        h, t = load('hybrid'), load('torch')
        own16 = None
        if precision == 'int8':  # against PyTorch's fp16 and our own fp16 of the same model and batch
            t, own16 = load('torch', 'fp16'), load('hybrid', 'fp16')
        hc = h['computeMs']['median'] if h and h['computeMs'] else None
        he = h['latencyMs']['median'] if h else None
        tv = lambda k: t.get(k) if t else None
        ratio = lambda a, b: a / b if a and b else None
        rows.append({
            'model': model, 'precision': precision, 'batch': batch,
            'hybridComputeMs': hc, 'hybridLatencyMs': he,
            'eagerMs': tv('eagerMs'), 'eagerLatencyMs': tv('eagerLatencyMs'),
            'compileMs': tv('compileMs'), 'compileLatencyMs': tv('compileLatencyMs'),
            'vsCompile': ratio(tv('compileMs'), hc), 'vsCompileLatency': ratio(tv('compileLatencyMs'), he),
            'vsEager': ratio(tv('eagerMs'), hc),
            'engines': len(h['build']['engines']) if h and h['build'] else None,
            'fallbackMs': h['fallbackMs']['median'] if h and h.get('fallbackMs') else None,
        })
        if precision == 'int8':
            oc = own16['computeMs']['median'] if own16 and own16.get('computeMs') else None
            rows[-1]['vsOwnFp16'] = ratio(oc, hc)
            rows[-1]['vsOwnFp16Latency'] = ratio(own16['latencyMs']['median'] if own16 else None, he)
    with open(os.path.join(args.out, 'bench.json'), 'w') as f:
        json.dump({'rows': rows, 'results': raw}, f, indent=1)
    f2 = lambda v, d=3: '—' if v is None else f'{v:.{d}f}'
    x = lambda v: '—' if v is None else f'{v:.2f}x'
    # GPU compute: CUDA events around the model's work, inputs already on the GPU; end to end:
    # host feeds to host outputs (copies, casts, launches), for every system.
    print('| model | precision | batch | hybrid GPU compute (ms) | hybrid end-to-end (ms) | onnxruntime segments (ms) '
          '| eager GPU (ms) | eager end-to-end (ms) | torch.compile GPU (ms) | torch.compile end-to-end (ms) '
          '| vs torch.compile GPU | vs torch.compile end-to-end | vs eager GPU |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['model']} | {r['precision']} | {r['batch']} | {f2(r['hybridComputeMs'])} | {f2(r['hybridLatencyMs'])} "
              f"| {f2(r['fallbackMs'])} | {f2(r['eagerMs'])} | {f2(r['eagerLatencyMs'])} | {f2(r['compileMs'])} "
              f"| {f2(r['compileLatencyMs'])} | {x(r['vsCompile'])} | {x(r['vsCompileLatency'])} | {x(r['vsEager'])} |")
    int8 = [r for r in rows if r['precision'] == 'int8']
    if int8:
        print('\nint8 rows (the Q/DQ model, fp16 float layers) against PyTorch fp16 (above: the torch columns) and our own fp16:')
        print('| model | batch | int8 GPU (ms) | int8 end-to-end (ms) | vs our fp16 GPU | vs our fp16 end-to-end |')
        print('|---|---|---|---|---|---|')
        for r in int8:
            print(f"| {r['model']} | {r['batch']} | {f2(r['hybridComputeMs'])} | {f2(r['hybridLatencyMs'])} "
                  f"| {x(r.get('vsOwnFp16'))} | {x(r.get('vsOwnFp16Latency'))} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('stages', nargs='*', default=['export', 'hybrid', 'torch', 'table'])
    ap.add_argument('--models', default=','.join(MODELS))
    ap.add_argument('--precisions', default='fp32,fp16')
    ap.add_argument('--batches', default='1,32')
    ap.add_argument('--iterations', type=int, default=200)
    ap.add_argument('--warmup', type=int, default=20)
    ap.add_argument('--budget-s', type=float, default=1e9, help='per stage: start no new run after this many seconds')
    ap.add_argument('--profile', action='store_true', help='hybrid runs also profile every layer (--profile)')
    ap.add_argument('--work', default='/tmp/hybrid-bench')
    ap.add_argument('--results', default='', help='comma-separated folders of earlier result files')
    ap.add_argument('--out', default=os.environ.get('OUT', '/tmp'))
    ap.add_argument('--force', action='store_true', help='redo runs whose results exist')
    ap.add_argument('--variants', default=','.join(VARIANTS), help='ab stage: which variants')
    ap.add_argument('--agree-batches', type=int, default=4, help='agree stage: held-out batches of the largest batch size')
    ap.add_argument('--accuracy-target', default='',
                    help="int8 export: `hybrid-run quantize --accuracy-target` (e.g. top1=0.99): the precision policy keeps the most "
                         "sensitive layers in float until the calibration data meets it (the Q/DQ files are reused unless --force)")
    ap.add_argument('--compile-targets-only', action='store_true',
                    help="torch stage: torch.compile only issue 6's target rows (compiles take 10-40 s each); eager for all")
    args = ap.parse_args()
    args.models = args.models.split(',')
    args.precisions = args.precisions.split(',')
    args.batches = [int(b) for b in args.batches.split(',')]
    args.results = [r for r in args.results.split(',') if r]
    args.variants = args.variants.split(',')
    os.makedirs(args.out, exist_ok=True)
    for stage in args.stages:
        t0 = time.time()
        print(f'== {stage} ({time.strftime("%H:%M:%S")})', flush=True)
        stages = {'export': stage_export, 'check': stage_check, 'ab': stage_ab, 'hybrid': stage_hybrid,
                  'torch': stage_torch, 'table': stage_table, 'agree': stage_agree}
        stages[stage](args)
        print(f'== {stage} done in {time.time() - t0:.0f}s', flush=True)


if __name__ == '__main__':
    sys.exit(main())
