// What the MATLAB v5 .mat reader returns. Arrays are column-major as MATLAB stores them: element
// (i, j) of an m×n array is at i + j·m, so column j of a [samples × channels] matrix is one
// contiguous run of samples (a planar channel, ready to use without a transpose).

/** MATLAB numeric classes (mxDOUBLE_CLASS … mxUINT64_CLASS). */
export type MatNumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export type MatNumericArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

interface MatArrayBase {
  /** MATLAB dimensions, at least two (a scalar is [1, 1]). */
  dims: number[];
}

/** A numeric array in its MATLAB class (int64/uint64 as BigInt arrays), column-major. */
export interface MatNumeric extends MatArrayBase {
  kind: 'numeric';
  class: MatNumericClass;
  real: MatNumericArray;
  /** Imaginary part, present only for complex arrays. */
  imag?: MatNumericArray;
}

/** A logical array: 0 or 1 per element, column-major. */
export interface MatLogical extends MatArrayBase {
  kind: 'logical';
  data: Uint8Array;
}

/** A char array, decoded. Row r of an r×c array is `rows[r]`; a 1×N string is `rows[0]`. */
export interface MatChar extends MatArrayBase {
  kind: 'char';
  rows: string[];
}

/** A cell array: one value per cell, column-major. */
export interface MatCell extends MatArrayBase {
  kind: 'cell';
  cells: MatValue[];
}

/** A struct or struct array (or an old-style class object, with `className`), elements column-major. */
export interface MatStruct extends MatArrayBase {
  kind: 'struct';
  fieldNames: string[];
  /** One map per struct element, field name → value. */
  elements: ReadonlyMap<string, MatValue>[];
  /** Set for a MATLAB class object (mxOBJECT_CLASS), whose properties are read as fields. */
  className?: string;
}

/** A sparse matrix in compressed sparse column form (as MATLAB stores it). */
export interface MatSparse extends MatArrayBase {
  kind: 'sparse';
  /** Row index of each stored value, per column in column order. */
  rowIndices: Int32Array;
  /** colStarts[j] … colStarts[j+1]−1 index the stored values of column j; length columns + 1. */
  colStarts: Int32Array;
  real: Float64Array;
  imag?: Float64Array;
  logical: boolean;
}

/**
 * A value whose class this reader does not decode (function handles, MCOS objects such as
 * `string`, `table`, `datetime`). It is skipped rather than failing the whole file, so the other
 * variables still load; using it is the caller's error to report.
 */
export interface MatUnsupported extends MatArrayBase {
  kind: 'unsupported';
  /** MATLAB's class name for it ('function_handle', 'opaque', …). */
  matlabClass: string;
}

export type MatValue = MatNumeric | MatLogical | MatChar | MatCell | MatStruct | MatSparse | MatUnsupported;

export interface MatVariable {
  name: string;
  global: boolean;
  value: MatValue;
}

export interface MatHeader {
  /** The 116-byte descriptive text ("MATLAB 5.0 MAT-file, Platform: …"), trailing blanks removed. */
  text: string;
  /** Header version field; 0x0100 for every v5–v7 file. */
  version: number;
  /** Byte order of the file's data ('IM' = little-endian, 'MI' = big-endian). */
  littleEndian: boolean;
}

export interface MatFile {
  header: MatHeader;
  /** Variables in file order, by name. */
  variables: Map<string, MatVariable>;
}

export interface MatParseOptions {
  /**
   * Upper limit on the bytes one compressed variable may expand to, on top of the bound the
   * compressed size itself sets (deflate cannot expand more than 1032:1). Default 4 GiB.
   */
  maxInflatedBytes?: number;
  /** Read only these variables (others are skipped without decompressing). Default: all. */
  variables?: readonly string[];
}
