/**
 * ONNX's messages (onnx/onnx.proto), encoded with protobuf.ts. Only the fields densely writes,
 * each with its field number from onnx.proto:
 *
 *   ModelProto        1 ir_version  2 producer_name  3 producer_version  7 graph
 *                     8 opset_import (OperatorSetIdProto: 1 domain, 2 version)
 *   GraphProto        1 node  2 name  5 initializer  11 input  12 output
 *   NodeProto         1 input  2 output  3 name  4 op_type  5 attribute
 *   AttributeProto    1 name  2 f  3 i  4 s  5 t  7 floats  8 ints  20 type
 *   TensorProto       1 dims  2 data_type  4 float_data  6 string_data  7 int64_data  8 name
 *   ValueInfoProto    1 name  2 type
 *   TypeProto         1 tensor_type (TypeProto.Tensor: 1 elem_type, 2 shape)
 *   TensorShapeProto  1 dim (Dimension: 1 dim_value, 2 dim_param)
 *
 * A model is plain data here ({@link OnnxGraph}); `encodeModel` turns it into the file's bytes.
 */
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType values densely uses. */
export const DataType = { FLOAT: 1, STRING: 8, INT64: 7, BOOL: 9 } as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values densely uses. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** A constant tensor (an initializer, or a Constant node's value). Row-major values. */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: DataType;
  /** FLOAT values. */
  floats?: ArrayLike<number>;
  /** INT64 values. */
  ints?: ArrayLike<number>;
  /** STRING values. */
  strings?: string[];
}

/** An attribute: exactly one of the value fields. */
export interface OnnxAttribute {
  name: string;
  f?: number;
  i?: number;
  /** A string (stored as its UTF-8 bytes). */
  s?: string;
  ints?: number[];
  floats?: number[];
  t?: OnnxTensor;
}

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: OnnxAttribute[];
}

/** A graph input or output: a name, an element type and a shape (a string is a symbolic dimension). */
export interface OnnxValueInfo {
  name: string;
  elemType: DataType;
  shape: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  /** The default (ai.onnx) opset. */
  opset: number;
  producerName: string;
  producerVersion: string;
  graph: OnnxGraph;
}

/** The bytes of a .onnx file. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const opset = new ProtoWriter().string(1, '').int(2, m.opset).finish();
  return new ProtoWriter()
    .int(1, m.irVersion)
    .string(2, m.producerName)
    .string(3, m.producerVersion)
    .message(7, encodeGraph(m.graph))
    .message(8, opset)
    .finish();
}

export function encodeGraph(g: OnnxGraph): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, encodeTensor(t));
  for (const v of g.inputs) w.message(11, encodeValueInfo(v));
  for (const v of g.outputs) w.message(12, encodeValueInfo(v));
  return w.finish();
}

export function encodeNode(n: OnnxNode): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) w.message(5, encodeAttribute(a));
  return w.finish();
}

export function encodeAttribute(a: OnnxAttribute): Uint8Array {
  const w = new ProtoWriter().string(1, a.name);
  if (a.f !== undefined) w.float(2, a.f).int(20, AttributeType.FLOAT);
  else if (a.i !== undefined) w.int(3, a.i).int(20, AttributeType.INT);
  else if (a.s !== undefined) w.string(4, a.s).int(20, AttributeType.STRING);
  else if (a.t !== undefined) w.message(5, encodeTensor(a.t)).int(20, AttributeType.TENSOR);
  else if (a.floats !== undefined) w.packedFloats(7, a.floats).int(20, AttributeType.FLOATS);
  else if (a.ints !== undefined) w.packedInts(8, a.ints).int(20, AttributeType.INTS);
  else throw new Error(`onnx: attribute '${a.name}' has no value`);
  return w.finish();
}

export function encodeTensor(t: OnnxTensor): Uint8Array {
  const count = t.dims.reduce((n, d) => n * d, 1);
  const w = new ProtoWriter().packedInts(1, t.dims).int(2, t.dataType);
  const values = t.dataType === DataType.FLOAT ? t.floats : t.dataType === DataType.INT64 ? t.ints : t.strings;
  if (!values || values.length !== count) throw new Error(`onnx: tensor '${t.name}' of shape [${t.dims.join(', ')}] needs ${count} values, has ${values?.length ?? 0}`);
  if (t.dataType === DataType.FLOAT) w.packedFloats(4, t.floats as ArrayLike<number>);
  else if (t.dataType === DataType.INT64) w.packedInts(7, t.ints as ArrayLike<number>);
  else for (const s of t.strings as string[]) w.string(6, s);
  w.string(8, t.name);
  return w.finish();
}

export function encodeValueInfo(v: OnnxValueInfo): Uint8Array {
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d).finish() : new ProtoWriter().string(2, d).finish());
  const tensorType = new ProtoWriter().int(1, v.elemType).message(2, shape.finish()).finish();
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType).finish()).finish();
}
