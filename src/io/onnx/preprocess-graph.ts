/**
 * A densely preparation as the front of an ONNX graph, so one .onnx file scores raw rows.
 * It ends in a float tensor named `output` ([N, features]) that model-graph.ts reads.
 *
 * .npy route (a Standardizer): one input `input` [N, d] float.
 *
 *   impute 'mean':  x ← Where(x − x = 0, x, mean)      (x − x is NaN for NaN and ±Inf)
 *   scale:          x ← (x − mean) / std                 Sub, Div with [1, d] constants
 *
 * CSV route (a Preprocessor): one input per raw column, named as the column, shape [N, 1]:
 *
 *   numeric   float   Where(x − x = 0, x, fill) when it imputes, then Sub(mean), Div(std)
 *   binary    string  yes/no or true/false, any case: StringNormalizer(LOWER), then
 *                     ones = Cast(Equal(x, [yes, true])) · [1, 1]ᵀ and
 *                     known = Cast(Equal(x, [yes, true, no, false])) · [1, 1, 1, 1]ᵀ, so
 *                     Where(known = 1, ones, fill): a missing or other cell takes the fill
 *                     (NaN without imputation)
 *   one-hot   string  Cast(Equal(x, categories[1, K]), float) → [N, K]: 1 where the cell is
 *                     that category; an unseen category or a missing cell gives all zeros,
 *                     as densely's own encoder does
 *
 * then one Concat (axis 1) in the preprocessor's column order, which is the model's feature order.
 *
 * Where densely differs: densely standardizes in float64 and rounds once; the graph computes in
 * float32 (a difference of about one float32 ulp in a feature). A numeric cell densely would
 * refuse (missing, no imputation) comes out NaN here.
 */
import type { Preprocessing } from '../../data/prepare.js';
import type { ColumnSpec } from '../../data/preprocessor.js';
import { DataType, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx-proto.js';

export interface PreprocessGraph {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  /** The opset its nodes need (Equal on strings needs 19). */
  opset: number;
}

/** Names the preparation uses for its own values, so a column cannot take them. */
const RESERVED = new Set(['input', 'output', 'features']);

/**
 * The preparation's nodes, reading raw inputs and writing `outputName` ([N, features] float).
 *
 * @example
 * preprocessGraph({ kind: 'npy', standardizer }, 'features').inputs; // [{ name: 'input', … }]
 */
export function preprocessGraph(p: Preprocessing, outputName: string): PreprocessGraph {
  const g: PreprocessGraph = { nodes: [], initializers: [], inputs: [], opset: 13 };
  if (p.kind === 'npy') {
    const s = p.standardizer;
    const d = s.mean.length;
    g.inputs.push({ name: 'input', elemType: DataType.FLOAT, shape: ['N', d] });
    const mean = constant(g, 'prep/mean', [1, d], s.mean);
    let x = 'input';
    if (s.impute === 'mean') x = imputed(g, x, mean, 'prep');
    if (s.scale !== false) x = standardized(g, x, mean, constant(g, 'prep/std', [1, d], s.std), 'prep');
    g.nodes.push({ opType: 'Identity', name: 'prep/out', inputs: [x], outputs: [outputName] });
    return g;
  }
  if (p.kind !== 'csv') throw new Error(`onnx export: unknown preparation kind ${JSON.stringify((p as { kind?: unknown }).kind)}`);
  const pieces = p.preprocessor.columns.map((c) => columnFeatures(g, c));
  g.nodes.push({ opType: 'Concat', name: 'prep/concat', inputs: pieces, outputs: [outputName], attributes: [{ name: 'axis', i: 1 }] });
  return g;
}

/** One raw column's input and the nodes that make its features; returns the features' name. */
function columnFeatures(g: PreprocessGraph, c: ColumnSpec): string {
  const name = c.name;
  if (RESERVED.has(name) || name.startsWith('prep/')) throw new Error(`onnx export: a column named '${name}' would clash with the graph's own names`);
  const at = `prep/${name}`;
  if (c.type === 'onehot') {
    g.inputs.push({ name, elemType: DataType.STRING, shape: ['N', 1] });
    g.opset = Math.max(g.opset, 19);
    const cats = `${at}/categories`;
    g.initializers.push({ name: cats, dims: [1, c.categories.length], dataType: DataType.STRING, strings: c.categories.slice() });
    g.nodes.push({ opType: 'Equal', name: `${at}/equal`, inputs: [name, cats], outputs: [`${at}/equal`] });
    g.nodes.push({ opType: 'Cast', name: `${at}/onehot`, inputs: [`${at}/equal`], outputs: [`${at}/onehot`], attributes: [{ name: 'to', i: DataType.FLOAT }] });
    return `${at}/onehot`;
  }
  if (c.type === 'binary') return binaryFeature(g, c.name, c.fill, at);
  g.inputs.push({ name, elemType: DataType.FLOAT, shape: ['N', 1] });
  let x = name;
  if (c.fill !== null) x = imputed(g, x, constant(g, `${at}/fill`, [1, 1], [c.fill]), at);
  if (c.type === 'standardize') x = standardized(g, x, constant(g, `${at}/mean`, [1, 1], [c.mean]), constant(g, `${at}/std`, [1, 1], [c.std]), at);
  return x;
}

/** A yes/no, true/false text column as one 0/1 feature (see the table at the top). */
function binaryFeature(g: PreprocessGraph, name: string, fill: number | null, at: string): string {
  g.inputs.push({ name, elemType: DataType.STRING, shape: ['N', 1] });
  g.opset = Math.max(g.opset, 19);
  // StringNormalizer takes a 1-D tensor: [N, 1] → [N] → lower case → [N, 1]
  g.initializers.push({ name: `${at}/flat`, dims: [1], dataType: DataType.INT64, ints: [-1] });
  g.initializers.push({ name: `${at}/column`, dims: [2], dataType: DataType.INT64, ints: [-1, 1] });
  g.nodes.push({ opType: 'Reshape', name: `${at}/1d`, inputs: [name, `${at}/flat`], outputs: [`${at}/1d`] });
  g.nodes.push({ opType: 'StringNormalizer', name: `${at}/lower1d`, inputs: [`${at}/1d`], outputs: [`${at}/lower1d`], attributes: [{ name: 'case_change_action', s: 'LOWER' }] });
  g.nodes.push({ opType: 'Reshape', name: `${at}/lower`, inputs: [`${at}/lower1d`, `${at}/column`], outputs: [`${at}/lower`] });
  const countOf = (words: string[], what: string) => {
    g.initializers.push({ name: `${at}/${what}/words`, dims: [1, words.length], dataType: DataType.STRING, strings: words });
    g.nodes.push({ opType: 'Equal', name: `${at}/${what}/equal`, inputs: [`${at}/lower`, `${at}/${what}/words`], outputs: [`${at}/${what}/equal`] });
    g.nodes.push({ opType: 'Cast', name: `${at}/${what}/cast`, inputs: [`${at}/${what}/equal`], outputs: [`${at}/${what}/cast`], attributes: [{ name: 'to', i: DataType.FLOAT }] });
    const sum = constant(g, `${at}/${what}/sum`, [words.length, 1], words.map(() => 1));
    g.nodes.push({ opType: 'MatMul', name: `${at}/${what}`, inputs: [`${at}/${what}/cast`, sum], outputs: [`${at}/${what}`] });
    return `${at}/${what}`;
  };
  const ones = countOf(['yes', 'true'], 'ones');
  const known = countOf(['yes', 'true', 'no', 'false'], 'known');
  const one = constant(g, `${at}/one`, [1], [1]);
  g.nodes.push({ opType: 'Equal', name: `${at}/is-known`, inputs: [known, one], outputs: [`${at}/is-known`] });
  const other = constant(g, `${at}/fill`, [1, 1], [fill ?? NaN]);
  g.nodes.push({ opType: 'Where', name: `${at}/value`, inputs: [`${at}/is-known`, ones, other], outputs: [`${at}/value`] });
  return `${at}/value`;
}

/** Where(x − x = 0, x, fill): NaN and ±Inf replaced by `fill`. */
function imputed(g: PreprocessGraph, x: string, fill: string, at: string): string {
  const zero = constant(g, `${at}/zero`, [1], [0]);
  g.nodes.push({ opType: 'Sub', name: `${at}/x-x`, inputs: [x, x], outputs: [`${at}/x-x`] });
  g.nodes.push({ opType: 'Equal', name: `${at}/finite`, inputs: [`${at}/x-x`, zero], outputs: [`${at}/finite`] });
  g.nodes.push({ opType: 'Where', name: `${at}/imputed`, inputs: [`${at}/finite`, x, fill], outputs: [`${at}/imputed`] });
  return `${at}/imputed`;
}

/** (x − mean) / std. */
function standardized(g: PreprocessGraph, x: string, mean: string, std: string, at: string): string {
  g.nodes.push({ opType: 'Sub', name: `${at}/centered`, inputs: [x, mean], outputs: [`${at}/centered`] });
  g.nodes.push({ opType: 'Div', name: `${at}/scaled`, inputs: [`${at}/centered`, std], outputs: [`${at}/scaled`] });
  return `${at}/scaled`;
}

function constant(g: PreprocessGraph, name: string, dims: number[], values: ArrayLike<number>): string {
  g.initializers.push({ name, dims, dataType: DataType.FLOAT, floats: values });
  return name;
}
