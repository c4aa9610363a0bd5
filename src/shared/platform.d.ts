// Web platform APIs that every runtime HeartMind runs in provides (Node ≥ 20, Chromium, workers)
// but lib ES2022 does not declare. Only tsconfig.shared.json reads this file, so src/shared can
// use them while any other DOM or Node name stays a compile error there; the node and web builds
// exclude it and check the same code against @types/node and lib.dom, the full declarations.

/** WHATWG Encoding: always UTF-8. */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

/** WHATWG Encoding. `fatal: false` turns malformed sequences into U+FFFD; `true` throws a TypeError. */
declare class TextDecoder {
  constructor(label?: 'utf-8', options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
