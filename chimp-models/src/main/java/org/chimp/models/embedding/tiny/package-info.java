/** Tiny embedding towers (text, CLIP text and image) and a CLIP-format tokenizer, written at run time for tests and examples. */
package org.chimp.models.embedding.tiny;
