/** The ONNX Runtime decoder-only text generator: byte-level BPE, KV cache, greedy or seeded top-p sampling, streaming. */
package org.chimp.models.generation;
