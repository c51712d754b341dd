/* The kernel table's vocabulary (crates/core/src/kernels/table.rs) in TypeScript, prepended to
 * the index.d.ts napi-rs generates; crates/wasm declares the same types for wasm-bindgen. */
type Bytes = Uint8Array;
type U32s = Uint32Array;
type F32s = Float32Array;
type F64s = Float64Array;
type OptU32s = Uint32Array | undefined;
type OptF32s = Float32Array | undefined;
type OptF64s = Float64Array | undefined;
type Scores = Float32Array | Float64Array;
type ScoresList = Scores[];
type F32List = Float32Array[];
type ShapeList = (Uint32Array | null)[];
type IntsList = (Int32Array | null)[];
type StrList = string[];
type Str = string;
type Num = number;
type Int = number;
type Bool = boolean;
type Unit = void;
type LossArrays = (Float64Array | Float32Array)[];
type Tensors = (Float32Array | Uint32Array)[];
type TensorFile = [string, Float32Array];
type LogColumns = [Float64Array, Float64Array] | [Float64Array, Float64Array, Uint32Array] | [Float64Array, Float64Array, Uint32Array, string];
type Returned<T> = T;
