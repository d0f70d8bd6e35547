/** The ONNX Runtime sentence embedder: a BERT-style encoder with its WordPiece tokenizer, mean pooling, L2 norm. */
package org.chimp.models.embedding;
