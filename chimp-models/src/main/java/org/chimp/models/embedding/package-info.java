/** ONNX Runtime embedders: the sentence embedder (encoder, mean pooling, L2 norm) and CLIP-style text and image towers. */
package org.chimp.models.embedding;
