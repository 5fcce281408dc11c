/**
 * densely's one model file: the model document that nn writes (architecture, weights, compile
 * config, optionally the optimizer state; see src/nn/model-json.ts) plus the data sections that
 * only this layer knows, because it sits above both nn and data:
 *
 *   preparation    how raw inputs become the model's features: a CSV Preprocessor or a .npy
 *                  Standardizer, replayed by `densely predict` (absent or null: used as they are)
 *   featureNames   the features in column order, when known
 *   training       what produced the file (options, test figures), for the record
 *   classes        a multi-class model's class names, one per output in output order (absent
 *                  for a binary model, whose one output is the probability of class 1)
 *   target         'regression' when the one output is a number predicted (absent: a classifier)
 *
 * A file saved by the API (`model.save(path)`, which has no data sections) and one saved by
 * `densely train --save` are the same document, so each side loads the other's. Browser-safe:
 * JSON in, JSON out; src/node reads and writes it by path.
 */
import { Preprocessor } from '../data/preprocessor.js';
import type { Preprocessing } from '../data/prepare.js';
import { Standardizer } from '../data/standardize.js';
import type { SequentialJSON } from '../nn/model-json.js';
import { Sequential, type SequentialOptions, type ToJSONOptions } from '../nn/sequential.js';
import { describe, ModelFileError } from '../errors.js';
import { checkClassNames } from '../data/label-classes.js';

/** The data sections io adds to nn's document. */
export interface DataSections {
  preparation?: Preprocessing | null;
  featureNames?: string[];
  training?: Record<string, unknown>;
  /** A multi-class model's class names, one per output (see the file comment). */
  classes?: string[];
  /** 'regression': the one output is the predicted number, not a probability. */
  target?: 'regression';
}

/** The whole file: nn's document and io's sections, side by side at the top level. */
export type ModelFile = SequentialJSON & DataSections;

/** A loaded file: a compiled model, and its data sections. */
export interface LoadedModel {
  model: Sequential;
  preparation: Preprocessing | null;
  featureNames?: string[];
  training?: Record<string, unknown>;
  /** A multi-class model's class names (undefined for a binary model or a file without them). */
  classes?: string[];
  /** 'regression' for a model that predicts numbers (see the file comment). */
  target?: 'regression';
}

/**
 * The classes a loaded model predicts: its file's class names, or '0' … 'K−1' for a model of
 * K > 1 outputs saved without them (a TF.js model, say); null for a one-output model.
 *
 * @example
 * classNamesOf(loadModelFile('wine.json')); // ['class_0', 'class_1', 'class_2']
 */
export function classNamesOf(loaded: LoadedModel): string[] | null {
  const k = loaded.model.outputSize as number;
  return loaded.classes ?? (k === 1 ? null : Array.from({ length: k }, (_, i) => String(i)));
}

/**
 * The file for a model and its data sections.
 *
 * @example
 * JSON.stringify(modelFile(model, { preparation: { kind: 'npy', standardizer: s.toJSON() } }));
 */
export function modelFile(model: Sequential, sections: DataSections = {}, options: ToJSONOptions = {}): ModelFile {
  const file: ModelFile = model.toJSON(options);
  if (sections.preparation) checkPreparation(sections.preparation, model.inputSize as number, 'modelFile');
  if (sections.preparation !== undefined) file.preparation = sections.preparation;
  if (sections.featureNames !== undefined) file.featureNames = sections.featureNames.slice();
  if (sections.training !== undefined) file.training = sections.training;
  if (sections.classes !== undefined) {
    const bad = checkClassNames(sections.classes, model.outputSize as number);
    if (bad) throw new ModelFileError('modelFile', bad, 'classes');
    if (sections.preparation) checkLabelClasses(sections.preparation, sections.classes, 'modelFile');
    file.classes = sections.classes.slice();
  }
  if (sections.target !== undefined) {
    checkTarget(sections.target, model.outputSize as number, sections.classes, 'modelFile');
    file.target = sections.target;
  }
  return file;
}

/**
 * A model file (any version) as a compiled model and its data sections. Reads v2 files, and both
 * v1 forms: the API's (densely-sequential) and the CLI's (densely-model v1, whose preparation was
 * called `preprocessing`). Errors start with `source` (a path, usually).
 */
export function modelFromFile(json: unknown, source = 'model', options: Pick<SequentialOptions, 'backend'> = {}): LoadedModel {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ModelFileError(source, 'not a densely model file (expected a JSON object)');
  const doc = json as Record<string, unknown>;
  const legacyCli = doc.format === 'densely-model' && doc.version === 1;
  const model = Sequential.fromJSON(doc, source, options); // checks the nesting depth of the whole document first
  const preparation = ((legacyCli ? doc.preprocessing : doc.preparation) ?? null) as Preprocessing | null;
  if (preparation !== null) checkPreparation(preparation, model.inputSize as number, source);
  const featureNames = doc.featureNames;
  if (featureNames !== undefined && !(Array.isArray(featureNames) && featureNames.every((n) => typeof n === 'string'))) {
    throw new ModelFileError(source, 'must be a list of strings', 'featureNames');
  }
  if (Array.isArray(featureNames) && featureNames.length !== model.inputSize) {
    throw new ModelFileError(source, `names ${featureNames.length} features but the model takes ${model.inputSize}`, 'featureNames');
  }
  const training = doc.training;
  if (training !== undefined && (training === null || typeof training !== 'object' || Array.isArray(training))) throw new ModelFileError(source, 'must be an object', 'training');
  const classes = doc.classes;
  if (classes !== undefined) {
    const bad = checkClassNames(classes, model.outputSize as number);
    if (bad) throw new ModelFileError(source, bad, 'classes');
    if (preparation) checkLabelClasses(preparation, classes as string[], source);
  }
  const target = doc.target;
  if (target !== undefined) checkTarget(target, model.outputSize as number, classes, source);
  return {
    model,
    preparation,
    featureNames: featureNames as string[] | undefined,
    training: training as Record<string, unknown> | undefined,
    ...(classes ? { classes: (classes as string[]).slice() } : {}),
    ...(target ? { target: 'regression' as const } : {}),
  };
}

/** A regression model has one output and no classes. */
function checkTarget(target: unknown, outputs: number, classes: unknown, source: string): void {
  if (target !== 'regression') throw new ModelFileError(source, `must be 'regression' or absent, got ${describe(target)}`, 'target');
  if (outputs !== 1 || classes !== undefined) throw new ModelFileError(source, `a regression model has one output and no classes (this one has ${outputs} outputs${classes !== undefined ? ' and classes' : ''})`, 'target');
}

/** A CSV preparation with a multi-class label must name the same classes, in the same order. */
function checkLabelClasses(p: Preprocessing, classes: readonly string[], source: string): void {
  const label = p.kind === 'csv' ? p.preprocessor.label : null;
  if (label?.family !== 'classes') return;
  if (label.classes.length !== classes.length || label.classes.some((c, i) => c !== classes[i])) {
    throw new ModelFileError(source, `name other classes (${classes.join(', ')}) than the preparation's label (${label.classes.join(', ')})`, 'classes');
  }
}

/** The preparation must be one densely knows, valid, and produce exactly the model's input width. */
function checkPreparation(p: Preprocessing, inputSize: number, source: string): void {
  const kind = (p as { kind?: unknown } | null)?.kind;
  let width: number;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new ModelFileError(source, `must be an object or null, got ${describe(p)}`, 'preparation');
  try {
    if (kind === 'csv') width = Preprocessor.fromJSON((p as { preprocessor: unknown }).preprocessor).featureNames.length;
    else if (kind === 'npy') width = Standardizer.fromJSON((p as { standardizer: unknown }).standardizer).cols;
    else throw new ModelFileError(source, `unknown kind ${describe(kind)} (expected 'csv' or 'npy')`, 'preparation.kind');
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(source, (e as Error).message, 'preparation');
  }
  if (width !== inputSize) throw new ModelFileError(source, `makes ${width} features but the model takes ${inputSize}`, 'preparation');
}
