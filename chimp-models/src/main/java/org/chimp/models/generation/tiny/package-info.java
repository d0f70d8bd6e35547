/** Tiny seeded text-generation networks and tokenizer, written at run time for tests and examples. */
package org.chimp.models.generation.tiny;
