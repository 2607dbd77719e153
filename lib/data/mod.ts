/**
 * Data: Fashion-MNIST IDX reader, fashion-scenes composer, class split and item partition, PNG.
 *
 * @module
 */
export * from "./types.ts";
export * from "./idx.ts";
export * from "./fashion_mnist.ts";
export * from "./rng.ts";
export * from "./split.ts";
export * from "./scenes.ts";
export * from "./benchmark.ts";
export * from "./png.ts";
export * from "./palette.ts";
export * from "./preview.ts";
