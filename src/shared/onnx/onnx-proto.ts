// onnx-proto (the ONNX protobuf schema compiled for protobufjs) is CommonJS: Node's ESM loader exposes
// it only as a default export while bundlers may expose the named `onnx` namespace. This is the one
// place that resolves either form.
import * as onnxProtoModule from 'onnx-proto';

type OnnxNamespace = typeof onnxProtoModule.onnx;
const mod = onnxProtoModule as unknown as { onnx?: OnnxNamespace; default?: { onnx?: OnnxNamespace } };
export const onnx: OnnxNamespace = (mod.onnx ?? mod.default?.onnx)!;
