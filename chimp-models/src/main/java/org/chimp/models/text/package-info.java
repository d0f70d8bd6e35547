/** Tokenizers read from Hugging Face tokenizer.json artifacts: BERT WordPiece and GPT-2 byte-level BPE. */
package org.chimp.models.text;
