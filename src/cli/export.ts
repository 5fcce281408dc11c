/**
 * `densely export`: a saved model (densely's file, or a TF.js model.json) written again in
 * another format, without training again: TensorFlow.js Layers files (`--tfjs DIR`) and/or an
 * ONNX file (`--onnx F.onnx`, with `--preprocess` to put the saved data preparation in the graph).
 */
import { loadModelFile } from '../node/model-files.js';
import { saveOnnx } from '../node/onnx-files.js';
import { checkTfjsTarget, saveTfjs } from '../node/tfjs-files.js';
import { checkWritableTarget } from '../node/files.js';
import { commandOptions, type Spec, UsageError } from './args.js';
import type { Io } from './io.js';

export const EXPORT_SPEC: Spec = {
  model: { type: 'string', help: 'the model to export: a densely model file, or a TensorFlow.js model.json (or its folder)' },
  tfjs: { type: 'string', help: 'write TensorFlow.js Layers files here: DIR/model.json and DIR/weights.bin' },
  onnx: { type: 'string', help: 'write an ONNX model (opset 13) here' },
  preprocess: { type: 'boolean', help: "with --onnx: put the model file's data preparation in the graph, so it scores raw rows" },
  help: { type: 'boolean', help: 'show this help' },
};

export const EXPORT_USAGE = 'densely export --model model.json [--tfjs DIR] [--onnx model.onnx [--preprocess]]';

export function exportModel(argv: string[], io: Io): number {
  const o = commandOptions('export', argv, EXPORT_SPEC, EXPORT_USAGE, ['model'], io.out);
  if (o === null) return 0;
  if (!o.tfjs && !o.onnx) throw new UsageError(`export: say where to: --tfjs DIR and/or --onnx F.onnx (${EXPORT_USAGE})`);
  if (o.preprocess && !o.onnx) throw new UsageError('export: --preprocess goes with --onnx F.onnx');
  if (o.tfjs) checkTfjsTarget(o.tfjs as string);
  if (o.onnx) checkWritableTarget(o.onnx as string);
  const { model, preparation, featureNames, classes, target } = loadModelFile(o.model as string);
  if (o.preprocess && !preparation) throw new Error(`${o.model as string}: --preprocess: the model file has no data preparation to put in the graph`);
  const doc = model.toJSON();
  if (o.tfjs) io.err(`densely: wrote ${saveTfjs(o.tfjs as string, doc, { preparation, featureNames, classes, target })} and its weights.bin`);
  if (o.onnx) {
    saveOnnx(o.onnx as string, doc, o.preprocess ? preparation : null);
    io.err(`densely: wrote ${o.onnx as string}${o.preprocess ? ' (with the data preparation: its inputs are the raw columns)' : ''}`);
  }
  return 0;
}
